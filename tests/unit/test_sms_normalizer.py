"""bot/sms_normalizer.py: SMS short forms spelt out as token lemmas, texts and offsets untouched."""
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.sms_normalizer import SmsNormalizer, plain


def test_plain_spells_short_forms_and_drops_accents():
    assert [plain(w) for w in ["tmrw", "Appt", "PLS", "thx", "u", "r", "nxt", "K", "okay"]] == \
        ["tomorrow", "appointment", "please", "thanks", "you", "are", "next", "ok", "ok"]
    assert [plain(w) for w in ["cuándo", "Sí", "mañana", "dirección"]] == ["cuando", "si", "manana", "direccion"]
    assert [plain(w) for w in ["jane", "3/14/1985", "aetna"]] == ["jane", "3/14/1985", "aetna"]
    assert [plain(w) for w in ["tlk", "sum1", "Some1"]] == ["talk", "someone", "someone"]


def test_component_sets_lemmas_in_training_and_at_run_time():
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    normalizer = SmsNormalizer()
    live = Message.build("need appt tmrw pls")
    example = Message.build("r u open", intent="ask_hours")
    tokenizer.process([live])
    tokenizer.process_training_data(TrainingData([example]))
    normalizer.process([live])
    normalizer.process_training_data(TrainingData([example]))
    tokens = live.get(TOKENS_NAMES[TEXT])
    assert [t.lemma for t in tokens] == ["need", "appointment", "tomorrow", "please"]
    assert [t.text for t in tokens] == ["need", "appt", "tmrw", "pls"] and live.get(TEXT) == "need appt tmrw pls"
    assert [t.lemma for t in example.get(TOKENS_NAMES[TEXT])] == ["are", "you", "open"]
