"""The two NLU components of our own (bot/sentence_embeddings.py, bot/intent_classifier.py), run as
Rasa runs them: tokenizer, SmsNormalizer, embedding, cue-word features, classifier; trained on a
few examples, persisted to Rasa's model storage and loaded back."""
from __future__ import annotations

import numpy as np
import pytest

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.intent_classifier import LinearIntentClassifier
from bot.sentence_embeddings import SentenceEmbeddings, plain_text
from bot.sms_normalizer import SmsNormalizer

EXAMPLES = {
    "cancel_appointment": ["cancel my appointment", "please cancel my visit", "i need to cancel", "cancel it",
                           "cancel my appt tomorrow", "i can't make it, cancel please", "drop my appointment"],
    "ask_hours": ["what are your hours", "when are you open", "what time do you open", "are you open on saturday",
                  "opening hours?", "what time do you close", "hours please"],
    "inform": ["John Smith", "03/04/1985", "blue cross", "tomorrow morning", "Maria Lopez", "self pay",
               "next tuesday afternoon"],
}


@pytest.fixture(scope="module")
def embedder():
    return SentenceEmbeddings({}, "embeddings")


def pipeline(tmp_path, embedder):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), node_name="test")
    tokenizer = WhitespaceTokenizer({**WhitespaceTokenizer.get_default_config()})
    regex = RegexFeaturizer.create({**RegexFeaturizer.get_default_config(), "case_sensitive": False},
                                   storage, Resource("regex"), context)
    return storage, context, [tokenizer, SmsNormalizer(), embedder, regex]


def featurize(stages, messages):
    for stage in stages:
        stage.process(messages)
    return messages


def test_embedding_puts_meaning_close(embedder):
    a, b, c = embedder.embed(["cancel my appointment", "i want to call off my visit", "what are your hours"])
    assert np.isclose(np.linalg.norm(a), 1.0)
    assert a @ b > a @ c + 0.2


def test_embedding_reads_the_plain_spelling(tmp_path, embedder):
    _, _, stages = pipeline(tmp_path, embedder)
    sms, = featurize(stages[:2], [Message({TEXT: "cancel my appt tmrw pls"})])
    assert plain_text(sms) == "cancel my appointment tomorrow please"


def test_classifier_learns_persists_and_loads(tmp_path, embedder):
    storage, context, stages = pipeline(tmp_path, embedder)
    data = TrainingData([Message({TEXT: t, INTENT: i}) for i, ts in EXAMPLES.items() for t in ts])
    for stage in stages[:3]:
        stage.process_training_data(data)
    stages[3].train(data)
    stages[3].process_training_data(data)
    clf = LinearIntentClassifier.create({}, storage, Resource("intent"), context)
    clf.train(data)

    loaded = LinearIntentClassifier.load({}, storage, Resource("intent"), context)
    said = featurize(stages, [Message({TEXT: t}) for t in ["pls cancel my appt", "when do u close", "Ann Lee"]])
    loaded.process(said)
    assert [m.get(INTENT)["name"] for m in said] == ["cancel_appointment", "ask_hours", "inform"]
    ranking = said[0].get("intent_ranking")
    assert abs(sum(r["confidence"] for r in ranking) - 1) < 1e-6 and ranking[0]["confidence"] > 0.5


def test_untrained_classifier_leaves_messages_alone(tmp_path):
    storage = LocalModelStorage(tmp_path)
    clf = LinearIntentClassifier.load({}, storage, Resource("nothing"), ExecutionContext(GraphSchema({}), "t"))
    message = Message({TEXT: "hi"})
    clf.process([message])
    assert message.get(INTENT) is None
