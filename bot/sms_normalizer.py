"""`SmsNormalizer`: a Rasa 3.6 pipeline component that spells SMS short forms out for the featurizers.

Patients text "appt tmrw pls", "thx", "r u open": each short form is a different word to the
CountVectorsFeaturizers, so what the classifier learnt from "appointment tomorrow please" did not
carry over. Placed right after the tokenizer, this component sets each token's *lemma* to its
plain spelling (accents removed, so "cuándo" = "cuando", "sí" = "si"); the CountVectorsFeaturizers
read lemmas by default (`use_lemma: true`). Token texts, offsets and the message text are left as
they are, so the actions and the regex/lookup features still see what the patient wrote.

Only spellings: abbreviations and SMS forms of one word. Synonyms ("yep" for "yes") are the
classifier's job, and typos are left to the character n-grams.
"""
from __future__ import annotations

import unicodedata
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# short form -> the word it stands for (lowercase, one token each)
SPELLINGS: Dict[str, str] = {
    **dict.fromkeys(["tmrw", "tmr", "tmw", "tmrow", "tomorow", "tommorow", "tommorrow", "2morrow", "2moro"], "tomorrow"),
    **dict.fromkeys(["appt", "apointment", "appoinment", "appointmnt", "appmt"], "appointment"),
    **dict.fromkeys(["appts", "apointments", "appointmnts"], "appointments"),
    **dict.fromkeys(["pls", "plz", "plez", "plse", "pleas", "pleeze"], "please"),
    **dict.fromkeys(["thx", "thnx", "thnks", "thanx", "thks", "tnx"], "thanks"),
    **dict.fromkeys(["u", "ya'll"], "you"),
    **dict.fromkeys(["ur"], "your"),
    **dict.fromkeys(["r"], "are"),
    **dict.fromkeys(["nxt"], "next"),
    **dict.fromkeys(["wk"], "week"),
    **dict.fromkeys(["wks"], "weeks"),
    **dict.fromkeys(["hrs", "hr"], "hours"),
    **dict.fromkeys(["smth", "sth", "smthg", "somethin"], "something"),
    **dict.fromkeys(["nvm", "nevermind"], "nevermind"),
    **dict.fromkeys(["wat", "wut"], "what"),
    **dict.fromkeys(["resched"], "reschedule"),
    **dict.fromkeys(["dr"], "doctor"),
    **dict.fromkeys(["b4"], "before"),
    **dict.fromkeys(["l8r"], "later"),
    **dict.fromkeys(["k", "kk", "okay", "okey", "oki"], "ok"),
    **dict.fromkeys(["g2g"], "gtg"),
    **dict.fromkeys(["wanna"], "want"),
    **dict.fromkeys(["tlk", "tawk"], "talk"),  # (not "tak": a given name)
    **dict.fromkeys(["sum1", "some1", "sumone", "sm1"], "someone"),
    **dict.fromkeys(["bday", "b-day"], "birthday"),
}


def plain(word: str) -> str:
    """Lowercase, accents removed, SMS short form spelt out."""
    w = word.lower()
    if not w.isascii():
        w = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    return SPELLINGS.get(w, w)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SmsNormalizer(GraphComponent):
    """Sets token lemmas to their plain spelling (see the module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SmsNormalizer":
        return cls()

    @staticmethod
    def _normalize(message: Message) -> None:
        for token in message.get(TOKENS_NAMES[TEXT]) or []:
            token.lemma = plain(token.lemma or token.text)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._normalize(message)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize(message)
        return messages
