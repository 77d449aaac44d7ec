"""The trainer's saved state: named arrays in one .npz, read back to continue exactly.

The state holds the vectors, the corpus, the config, the position and the generator's
state; the epoch's sub-sampling is not stored but drawn again from the generator state
that produced it. Used as a base of `core.trainer.Trainer`.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Mapping
from typing import Self

import numpy as np

from core.config import TrainConfig
from core.corpus import Corpus
from core.files import atomic_write
from core.trainer_errors import TrainerError, unreadable_model

FORMAT_VERSION = 1


class SavedState:
    """save / load / state_arrays / from_state of `Trainer` (a mixin; see the module)."""

    def save(self, path: str | os.PathLike) -> None:
        """Write the whole state (vectors, corpus, config, position, generator) to one .npz.

        The file is written beside the target and renamed into place, so an interrupted
        save never destroys the previous file.
        """
        with atomic_write(path) as stream:
            np.savez(stream, **self.state_arrays())

    def state_arrays(self) -> dict[str, np.ndarray]:
        """The whole state as named arrays (what `save` writes; `from_state` reads it)."""
        position = {
            "epoch": self.epoch, "cursor": self.cursor, "steps": self.steps,
            "words_done": self.words_done, "pairs_seen": self.pairs_seen,
            "smoothed_loss": self.smoothed_loss, "last_loss": self.last_loss,
            "handout_cost": self.handout_cost, "seconds": self.seconds,
            "epoch_started": self._kept_ids is not None,
            "window_text": self._window_text is not None,
        }
        arrays = {
            "format_version": np.int64(FORMAT_VERSION),
            "config": np.array(self.config.to_json()),
            "position": np.array(json.dumps(position)),
            "rng_state": np.array(json.dumps(self.rng.bit_generator.state)),
            "epoch_rng_state": np.array(json.dumps(self._epoch_state)),
            "center_vectors": self.center_vectors,
            "outside_vectors": self.outside_vectors,
            "words": np.array(self.corpus.words),
            "counts": self.corpus.counts,
            "token_ids": self.corpus.token_ids,
            "sentence_offsets": self.corpus.sentence_offsets,
            "source": np.array(self.corpus.source),
        }
        if self._window_text is not None:
            arrays["window_ids"], arrays["window_spans"] = self._window_text
        return arrays

    @classmethod
    def load(cls, path: str | os.PathLike) -> Self:
        """Read a trainer saved by `save`; it continues exactly where it stopped."""
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls.from_state(data, path)
        except TrainerError:
            raise
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
            raise unreadable_model(path, error) from error

    @classmethod
    def from_state(cls, data: Mapping[str, np.ndarray],
                   path: str | os.PathLike = "the file") -> Self:
        """Rebuild a trainer from `state_arrays()` (or an open .npz holding them)."""
        try:
            version = int(data["format_version"])
            if version > FORMAT_VERSION:
                raise TrainerError(
                    f"{path} was saved by a newer Word2Vec Studio (format {version}); "
                    "update the app to open it.")
            config = TrainConfig.from_json(str(data["config"]))
            corpus = Corpus(
                words=[str(w) for w in data["words"]],
                counts=np.array(data["counts"]),
                token_ids=np.array(data["token_ids"]),
                sentence_offsets=np.array(data["sentence_offsets"]),
                source=str(data["source"]),
            )
            trainer = cls(corpus, config)
            trainer.center_vectors = np.array(data["center_vectors"])
            trainer.outside_vectors = np.array(data["outside_vectors"])
            position = json.loads(str(data["position"]))
            epoch_state = json.loads(str(data["epoch_rng_state"]))
            rng_state = json.loads(str(data["rng_state"]))
            window_text = ((np.array(data["window_ids"]), np.array(data["window_spans"]))
                           if position["window_text"] else None)
            expected = (corpus.vocab_size, config.dim)
            if (trainer.center_vectors.shape != expected
                    or trainer.outside_vectors.shape != expected):
                raise ValueError(f"vectors of shape {trainer.center_vectors.shape}, "
                                 f"expected {expected}")
        except TrainerError:
            raise
        except (OSError, ValueError, KeyError, TypeError, EOFError,
                zipfile.BadZipFile) as error:
            raise unreadable_model(path, error) from error
        for key in ("epoch", "cursor", "steps", "words_done", "pairs_seen",
                    "smoothed_loss", "last_loss", "handout_cost", "seconds"):
            setattr(trainer, key, position[key])
        trainer._window_text = window_text
        if position["epoch_started"]:
            # Re-derive the epoch's sub-sampling from the generator state that produced it.
            trainer.rng.bit_generator.state = epoch_state
            trainer._start_epoch()
        trainer.rng.bit_generator.state = rng_state
        return trainer
