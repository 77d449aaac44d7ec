"""Damaged and crafted models and sessions: each is refused with a message naming the file
and what is wrong, before anything large is allocated and without a traceback."""

import io
import json
import pathlib
import re
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

from core.data.corpus import Corpus
from core.session import Session, SessionError, load_session, session_arrays
from core.train.config import PRESETS, TrainConfig
from core.train.history import LossHistory, QualityHistory
from core.train.trainer import Trainer, TrainerError

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORDS = [f"w{i}" for i in range(30)] + ["naïve", "日本"]


def small_corpus(extra: list[list[str]] = ()) -> Corpus:
    rng = np.random.default_rng(0)
    sentences = [[WORDS[j] for j in rng.integers(0, len(WORDS), 8)] for _ in range(60)]
    return Corpus.from_sentences([*sentences, *extra])


def stepped(trainer: Trainer, steps: int = 3) -> Trainer:
    for _ in range(steps):
        trainer.step()
    return trainer


@pytest.fixture(scope="module")
def corpus_trainer() -> Trainer:
    """Mid-epoch (cursor > 0), so the epoch's sub-sampling is re-derived on load."""
    trainer = stepped(Trainer(small_corpus(), TrainConfig(dim=12, epochs=3, min_count=1,
                                                          batch_words=64, seed=3)))
    assert trainer.batches.kept_ids is not None and trainer.cursor > 0
    return trainer


@pytest.fixture(scope="module")
def windows_trainer() -> Trainer:
    """The handout's batching: it saves its window text too."""
    trainer = stepped(Trainer(small_corpus(), PRESETS["cs224n"].replace(dim=6, iterations=40)))
    assert trainer.batches.window_text is not None
    return trainer


def write_npz(path: pathlib.Path, arrays: dict, raw: dict | None = None,
              compression: int = zipfile.ZIP_STORED) -> pathlib.Path:
    """Write arrays as np.savez does, with `raw` entries (name -> bytes) written as given,
    so that headers and pickles can be crafted."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, value in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as stream:
                np.lib.format.write_array(stream, np.asanyarray(value), allow_pickle=True)
        for name, data in (raw or {}).items():
            archive.writestr(f"{name}.npy", data)
    return path


def npy_bytes(header: dict, data: bytes = b"") -> bytes:
    """One .npy entry whose header says `header` whatever `data` holds."""
    stream = io.BytesIO()
    np.lib.format.write_array_header_1_0(stream, header)
    return stream.getvalue() + data


def model_arrays(trainer: Trainer) -> dict:
    return dict(trainer.state_arrays())


def session_of(trainer: Trainer) -> dict:
    history = LossHistory(np.array([[64, 3.1, 3.1, 0.02], [128, 3.0, 3.05, 0.02]]))
    quality = QualityHistory(np.array([[64, np.nan, 0.1]]))
    return dict(session_arrays(Session(trainer, history, {"pinned": ["w1"]}, quality)))


def refused(loader, path: pathlib.Path, error: type[Exception], pattern: str) -> str:
    with pytest.raises(error) as caught:
        loader(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and message.count(str(path)) == 1, message
    assert re.search(pattern, message), message
    return message


def load_model(path):
    return Trainer.load(path)


def set_json(name: str, change):
    """A crafting step that edits one JSON record with `change(value) -> value`."""
    def craft(arrays: dict) -> None:
        arrays[name] = np.array(json.dumps(change(json.loads(str(arrays[name])))))
    return craft


def set_array(name: str, make):
    def craft(arrays: dict) -> None:
        arrays[name] = make(np.asarray(arrays[name]))
    return craft


def delete(name: str):
    return lambda arrays: arrays.pop(name)


def without(record: dict, key: str) -> dict:
    return {k: v for k, v in record.items() if k != key}


def with_value(record: dict, key: str, value) -> dict:
    return {**record, key: value}


def offsets_edit(change):
    def make(offsets: np.ndarray) -> np.ndarray:
        edited = offsets.copy()
        change(edited)
        return edited
    return make


def _backwards(offsets: np.ndarray) -> None:
    offsets[2], offsets[3] = offsets[3], offsets[2] - 1


def _first_is_one(offsets: np.ndarray) -> None:
    offsets[0] = 1


def _last_short(offsets: np.ndarray) -> None:
    offsets[-1] -= 1


def _bad_utf8(block: np.ndarray) -> np.ndarray:
    edited = block.copy()
    edited[0] = 0xFF
    return edited


def _inside_character(arrays: dict) -> None:
    """Start "日本" (3 bytes a character in UTF-8) one byte late, inside its first character."""
    block, offsets = bytes(arrays["words"]), np.array(arrays["word_offsets"])
    index = [block[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)].index(
        "日本".encode())
    offsets[index] += 1
    arrays["word_offsets"] = offsets


def _twice(arrays: dict) -> None:
    """Write word 0 in place of word 1, so that the list holds one word twice."""
    block, offsets = bytes(arrays["words"]), np.asarray(arrays["word_offsets"])
    pieces = [block[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    pieces[1] = pieces[0]
    arrays["words"] = np.frombuffer(b"".join(pieces), dtype=np.uint8)
    arrays["word_offsets"] = np.cumsum([0, *map(len, pieces)])


# (case, crafting step, what the message must say); each applies to models and sessions
CRAFTED = [
    ("vectors as integers", set_array("center_vectors", lambda a: (a * 100).astype(np.int64)),
     r"center_vectors holds int64; it should hold real numbers"),
    ("vectors as complex", set_array("outside_vectors", lambda a: a.astype(np.complex64)),
     r"outside_vectors holds complex64; it should hold real numbers"),
    ("vectors as strings", set_array("center_vectors", lambda a: a.astype(str)),
     r"center_vectors holds text; it should hold real numbers"),
    ("vectors with NaN", set_array("center_vectors",
                                   lambda a: np.where(np.arange(a.size).reshape(a.shape) == 40,
                                                      np.nan, a)),
     r"center_vectors holds a value that is not a finite float32 number .* row 3"),
    ("outside vectors a row short", set_array("outside_vectors", lambda a: a[:-1]),
     r"outside_vectors has shape 31 × \d+, but the model has 32 words of dimension \d+ "
     r"\(32 × \d+ expected\)"),
    ("vectors of another dimension", set_array("center_vectors", lambda a: a[:, :-1]),
     r"center_vectors has shape 32 × \d+, but the model has 32 words"),
    ("float token ids", set_array("token_ids", lambda a: a.astype(np.float64)),
     r"token_ids holds float64; it should hold whole numbers"),
    ("token id out of range", set_array("token_ids", lambda a: np.where(
        np.arange(a.size) == 5, 32, a)),
     r"token_ids holds 32 \(at position 5\); it should hold word numbers from 0 to 31"),
    ("negative token id", set_array("token_ids", lambda a: np.where(
        np.arange(a.size) == 7, -1, a)),
     r"token_ids holds -1 \(at position 7\)"),
    ("token ids in two dimensions", set_array("token_ids", lambda a: a.reshape(2, -1)),
     r"token_ids has shape 2 × \d+"),
    ("sentence offsets going backwards", set_array("sentence_offsets", offsets_edit(_backwards)),
     r"sentence_offsets goes backwards at position 3"),
    ("sentence offsets not starting at 0", set_array("sentence_offsets",
                                                     offsets_edit(_first_is_one)),
     r"sentence_offsets should start at 0 and end at \d+"),
    ("sentence offsets ending early", set_array("sentence_offsets", offsets_edit(_last_short)),
     r"sentence_offsets should start at 0 and end at"),
    ("sentence offsets as floats", set_array("sentence_offsets", lambda a: a + 0.5),
     r"sentence_offsets holds float64; it should hold whole numbers"),
    ("zero word count", set_array("counts", lambda a: np.where(np.arange(a.size) == 2, 0, a)),
     r"counts holds 0 \(at position 2\); it should hold how often each word occurs: at "
     r"least 1"),
    ("negative word count", set_array("counts", lambda a: -a),
     r"counts holds -\d+ \(at position \d+\)"),
    ("counts a word short", set_array("counts", lambda a: a[:-1]),
     r"counts has shape 31, but the model has 32 words"),
    ("no words", delete("words"), r"it has no words record"),
    ("words not UTF-8", set_array("words", _bad_utf8), r"the words are not valid UTF-8"),
    ("word boundary inside a character", _inside_character,
     r"a word starts in the middle of a UTF-8 character"),
    ("word offsets not ending with the block", set_array("word_offsets",
                                                         offsets_edit(_last_short)),
     r"word_offsets must start at 0 and end at"),
    ("a word twice", _twice, r"its word list holds '[^']+' twice"),
    ("config not an object", set_json("config", lambda config: [1, 2]),
     r"config should be a JSON object .* but is a list"),
    ("config not JSON", set_array("config", lambda a: np.array("{dim: 12")),
     r"config is not valid JSON"),
    ("config as numbers", set_array("config", lambda a: np.arange(3)),
     r"config holds int64; it should hold text"),
    ("config dim as text", set_json("config", lambda c: with_value(c, "dim", "12")),
     r"its settings \(config\) give dim as '12'; it should be a number"),
    ("config dim zero", set_json("config", lambda c: with_value(c, "dim", 0)),
     r"its settings \(config\) are not valid: dim must be"),
    ("config alpha beyond floats", set_json("config", lambda c: with_value(c, "alpha", 10**400)),
     r"give alpha as .*it is far out of range"),
    ("config model unknown", set_json("config", lambda c: with_value(c, "model", ["sg"])),
     r"give model as \['sg'\]; it should be one of skipgram, cbow"),
    ("position without steps", set_json("position", lambda p: without(p, "steps")),
     r"its position record has no 'steps'"),
    ("position value as text", set_json("position", lambda p: with_value(p, "words_done", "5")),
     r"its position record gives words_done as '5'; it should be a whole number"),
    ("position epoch far out", set_json("position", lambda p: with_value(p, "epoch", 10**30)),
     r"gives epoch as 1000000000000000000000000000000; it should be a whole number from 0 "
     r"to 3"),
    ("position seconds infinite", set_json("position",
                                           lambda p: with_value(p, "seconds", float("inf"))),
     r"gives seconds as inf; it should be a number of at least 0"),
    ("position flag as text", set_json("position",
                                       lambda p: with_value(p, "epoch_started", "yes")),
     r"gives epoch_started as 'yes'; it should be true or false"),
    ("position cursor past the epoch", set_json("position",
                                                lambda p: with_value(p, "cursor", 10**6)),
     r"puts the cursor at 1,000,000, past the epoch's \d+ sub-sampled words"),
    ("position not an object", set_json("position", lambda p: "steps"),
     r"position should be a JSON object .* but is a text"),
    ("rng state of floats", set_json("rng_state", lambda s: with_value(
        s, "state", {"state": 1.5, "inc": 3})),
     r"rng_state is not a valid random generator state \(state should be a whole number"),
    ("rng state of another generator", set_json("rng_state",
                                                lambda s: with_value(s, "bit_generator",
                                                                     "MT19937")),
     r"rng_state is not a valid random generator state \(not a PCG64 state\)"),
    ("rng state not an object", set_json("rng_state", lambda s: 7),
     r"rng_state is not a valid random generator state"),
    ("epoch rng state missing its state", set_json("epoch_rng_state",
                                                   lambda s: without(s, "state")),
     r"epoch_rng_state is not a valid random generator state \(no inner state\)"),
    ("format version as text", set_array("format_version", lambda a: np.array("2")),
     r"format_version holds text; it should hold whole numbers"),
    ("format version zero", set_array("format_version", lambda a: np.int64(0)),
     r"its format_version is 0"),
]



@pytest.mark.parametrize(("case", "craft", "message"), CRAFTED, ids=[c[0] for c in CRAFTED])
@pytest.mark.parametrize("kind", ["model", "session"])
def test_each_crafted_array_is_refused_with_what_is_wrong(tmp_path, corpus_trainer, case, craft,
                                                          message, kind):
    arrays = model_arrays(corpus_trainer) if kind == "model" else session_of(corpus_trainer)
    craft(arrays)
    path = write_npz(tmp_path / f"crafted.{'npz' if kind == 'model' else 'w2vsession'}",
                     arrays)
    if kind == "model":
        refused(load_model, path, TrainerError, message)
    else:
        refused(load_session, path, SessionError, message)


@pytest.mark.parametrize(("craft", "message"), [
    (set_array("window_ids", lambda a: np.where(np.arange(a.size) == 3, 32, a)),
     r"window_ids holds 32 \(at position 3\)"),
    (set_array("window_spans", lambda a: a[:, :1]), r"window_spans has shape \d+ × 1"),
    (set_array("window_spans", lambda a: np.where(np.arange(a.size).reshape(a.shape) == 1,
                                                  1, a)),
     r"window_spans holds a sentence shorter than two words"),
    (delete("window_ids"), r"it has no window_ids record"),
    (set_json("position", lambda p: with_value(p, "handout_cost", "low")),
     r"gives handout_cost as 'low'; it should be a number"),
], ids=["window id out of range", "spans of one column", "span of one word",
        "window text missing", "handout cost as text"])
def test_the_handouts_window_text_is_checked(tmp_path, windows_trainer, craft, message):
    arrays = model_arrays(windows_trainer)
    craft(arrays)
    refused(load_model, write_npz(tmp_path / "windows.npz", arrays), TrainerError, message)


@pytest.mark.parametrize(("craft", "message"), [
    (set_array("session_history", lambda a: a[:, :3]),
     r"session_history has shape 2 × 3, but each row holds 4 columns"),
    (set_array("session_history", lambda a: a.astype(str)),
     r"session_history holds text; it should hold real numbers"),
    (set_array("session_history", lambda a: np.where(a == 3.0, np.inf, a)),
     r"session_history holds a value out of range in row 1"),
    (set_array("session_quality", lambda a: a.astype(np.complex128)),
     r"session_quality holds complex128; it should hold real numbers"),
    (set_array("session_version", lambda a: np.array(2.0)),
     r"session_version holds float64; it should hold whole numbers"),
], ids=["history of three columns", "history as text", "infinite loss",
        "complex quality", "session version a float"])
def test_a_sessions_own_records_are_checked(tmp_path, corpus_trainer, craft, message):
    arrays = session_of(corpus_trainer)
    craft(arrays)
    refused(load_session, write_npz(tmp_path / "crafted.w2vsession", arrays), SessionError,
            message)


@pytest.mark.parametrize("craft", [
    set_json("session_app_state", lambda state: [state]),
    set_array("session_app_state", lambda a: np.array("[" * 100_000)),
    set_array("session_app_state", lambda a: np.array([1.5, 2.5])),
], ids=["a list", "nested too deep", "numbers"])
def test_a_damaged_app_record_is_left_out_and_the_run_kept(tmp_path, corpus_trainer, craft):
    arrays = session_of(corpus_trainer)
    craft(arrays)
    path = write_npz(tmp_path / "crafted.w2vsession", arrays)
    session = load_session(path)
    assert session.app_state == {}
    assert len(session.notes) == 1 and str(path) in session.notes[0]
    assert "view settings" in session.notes[0]
    assert session.trainer.words_done == corpus_trainer.words_done


class _Tripwire:
    """Unpickling this calls Path.touch(marker): proof that a pickle was run."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return pathlib.Path.touch, (self.marker,)


@pytest.mark.parametrize("name", ["center_vectors", "config", "session_app_state"])
def test_pickled_arrays_are_refused_and_never_unpickled(tmp_path, corpus_trainer, name):
    marker = tmp_path / "unpickled"
    arrays = session_of(corpus_trainer)
    arrays[name] = np.array([_Tripwire(marker), 1], dtype=object)
    for path, loader, error in ((tmp_path / "pickled.npz", load_model, TrainerError),
                                (tmp_path / "pickled.w2vsession", load_session, SessionError)):
        write_npz(path, arrays)
        refused(loader, path, error, rf"{name} holds Python objects \(pickled data\)")
    assert not marker.exists()


def test_a_header_claiming_more_than_the_file_holds_is_called_damaged(tmp_path,
                                                                      corpus_trainer):
    arrays = model_arrays(corpus_trainer)
    vectors = arrays.pop("center_vectors")
    claim = npy_bytes({"descr": "<f4", "fortran_order": False, "shape": (10**12, 12)},
                      vectors.tobytes())
    path = write_npz(tmp_path / "claim.npz", arrays, raw={"center_vectors": claim})
    message = refused(load_model, path, TrainerError,
                      r"center_vectors claims 1,000,000,000,000 × 12 float32 \(43.7 TiB\), "
                      r"but the whole file is \d+(\.\d+)? KiB and this entry can hold at most "
                      r"\d+(\.\d+)? KiB: the file is damaged")
    assert "memory" not in message


def test_a_model_too_large_for_the_memory_left_says_so_with_figures(tmp_path, corpus_trainer,
                                                                    monkeypatch):
    import core.train.saved_arrays

    path = tmp_path / "model.npz"
    corpus_trainer.save(path)
    monkeypatch.setattr(core.train.saved_arrays, "available_memory", lambda: 2000)
    refused(load_model, path, TrainerError,
            r"needs \d+(\.\d+)? KiB of memory to open, but this computer has 1.95 KiB "
            r"available")


def _bomb(path: pathlib.Path, arrays: dict) -> pathlib.Path:
    """`arrays` with center_vectors replaced by 300 × 500,000 float32 zeros, deflated
    (~580 KiB on disk, 572 MiB once read)."""
    arrays = dict(arrays)
    arrays.pop("center_vectors")
    write_npz(path, arrays, compression=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("center_vectors.npy", "w", force_zip64=True) as stream:
        np.lib.format.write_array_header_1_0(
            stream, {"descr": "<f4", "fortran_order": False, "shape": (300, 500_000)})
        zeros, left = bytes(1 << 20), 300 * 500_000 * 4
        while left:
            stream.write(zeros[:min(left, len(zeros))])
            left -= min(left, len(zeros))
    return path


PEAK_MEMORY = textwrap.dedent("""
    import json, resource, sys
    from core.session import SessionError, load_session
    from core.train.trainer import Trainer, TrainerError
    results = []
    for path in sys.argv[1:]:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            (load_session if path.endswith(".w2vsession") else Trainer.load)(path)
            message = "loaded"
        except (TrainerError, SessionError) as error:
            message = str(error)
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        results.append({"path": path, "grown_kib": grown, "message": message})
    print(json.dumps(results))
""")


def test_a_compressed_bomb_is_refused_before_it_is_inflated(tmp_path, corpus_trainer):
    model = _bomb(tmp_path / "bomb.npz", model_arrays(corpus_trainer))
    session = _bomb(tmp_path / "bomb.w2vsession", session_of(corpus_trainer))
    assert model.stat().st_size < 1_000_000
    done = subprocess.run([sys.executable, "-c", PEAK_MEMORY, str(model), str(session)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    for result in json.loads(done.stdout):
        assert result["message"].startswith(result["path"])
        # refused for its shape (or, where zlib packs zeros tighter, for its claim)
        assert re.search(r"center_vectors (has shape|claims) 300 × 500,000", result["message"])
        # 572 MiB once inflated; refused from the header with (almost) nothing allocated
        assert result["grown_kib"] < 50 * 1024, result


def test_a_long_token_costs_only_its_own_length(tmp_path):
    config = TrainConfig(dim=8, epochs=1, min_count=1, batch_words=64, seed=1)
    plain = Trainer(small_corpus(), config)
    long_token = "x" * 20_000
    with_long = Trainer(small_corpus([["w1", long_token, "w2"]]), config)
    plain.save(tmp_path / "plain.npz")
    with_long.save(tmp_path / "long.npz")
    # a fixed-width text array would cost 80 KB for each of the 33 words (2.6 MB)
    growth = (tmp_path / "long.npz").stat().st_size - (tmp_path / "plain.npz").stat().st_size
    assert growth < 25_000
    reopened = Trainer.load(tmp_path / "long.npz")
    assert reopened.corpus.words == with_long.corpus.words
    assert long_token in reopened.corpus.index and "日本" in reopened.corpus.index
    with zipfile.ZipFile(tmp_path / "long.npz") as archive:
        assert "word_offsets.npy" in archive.namelist()


def test_a_first_format_model_with_a_text_array_of_words_still_opens(tmp_path, corpus_trainer):
    arrays = model_arrays(corpus_trainer)
    arrays.pop("word_offsets")
    arrays["words"] = np.array(corpus_trainer.corpus.words)
    arrays["format_version"] = np.int64(1)
    reopened = Trainer.load(write_npz(tmp_path / "first.npz", arrays))
    assert reopened.corpus.words == corpus_trainer.corpus.words
    np.testing.assert_array_equal(reopened.center_vectors, corpus_trainer.center_vectors)
    arrays["words"] = np.array(corpus_trainer.corpus.words, dtype=object)
    refused(load_model, write_npz(tmp_path / "objects.npz", arrays), TrainerError,
            r"words holds Python objects")


def _structure_offsets(path: pathlib.Path) -> list[int]:
    """Byte positions of the zip's headers and the .npy headers: where a flipped byte
    changes what an entry claims rather than (checksummed) data."""
    with zipfile.ZipFile(path) as archive:
        positions: set[int] = set(range(archive.start_dir, path.stat().st_size))
        for member in archive.infolist():
            start = member.header_offset
            positions.update(range(start, start + 30 + len(member.filename) + 20 + 128))
    return sorted(p for p in positions if p < path.stat().st_size)


def _same_state(loaded: Trainer, original: Trainer) -> bool:
    return (loaded.corpus.words == original.corpus.words
            and np.array_equal(loaded.center_vectors, original.center_vectors)
            and np.array_equal(loaded.outside_vectors, original.outside_vectors)
            and np.array_equal(loaded.corpus.token_ids, original.corpus.token_ids)
            and loaded.words_done == original.words_done
            and loaded.rng.bit_generator.state == original.rng.bit_generator.state)


@pytest.mark.parametrize("kind", ["model", "session"])
def test_truncated_and_flipped_copies_load_intact_or_are_refused(tmp_path, corpus_trainer, kind):
    if kind == "model":
        good, loader, error = tmp_path / "good.npz", load_model, TrainerError
        corpus_trainer.save(good)
    else:
        good, error = tmp_path / "good.w2vsession", SessionError
        write_npz(good, session_of(corpus_trainer))

        def loader(path):
            return load_session(path).trainer
    data = good.read_bytes()
    damaged = tmp_path / f"damaged{good.suffix}"
    for cut in (0, 1, 30, 200, len(data) // 3, len(data) // 2, len(data) - 23, len(data) - 1):
        damaged.write_bytes(data[:cut])
        refused(loader, damaged, error, r"is not a readable Word2Vec Studio")
    positions = _structure_offsets(good)
    for position in positions[:: max(1, len(positions) // 400)]:
        flipped = bytearray(data)
        flipped[position] ^= 0x5A
        damaged.write_bytes(bytes(flipped))
        try:
            loaded = loader(damaged)
        except error as caught:
            assert str(caught).startswith(str(damaged)), (position, str(caught))
            continue
        assert _same_state(loaded, corpus_trainer), position


def test_the_command_line_says_what_is_wrong_without_a_traceback(tmp_path, corpus_trainer):
    crafted = {case: (craft, message) for case, craft, message in CRAFTED}
    models = []
    for case in ("vectors as integers", "position without steps", "rng state of floats",
                 "config not an object", "negative token id", "zero word count"):
        arrays = model_arrays(corpus_trainer)
        crafted[case][0](arrays)
        models.append(write_npz(tmp_path / f"{case.replace(' ', '_')}.npz", arrays))
    arrays = model_arrays(corpus_trainer)
    vectors = arrays.pop("center_vectors")
    models.append(write_npz(tmp_path / "huge_header.npz", arrays, raw={"center_vectors": npy_bytes(
        {"descr": "<f4", "fortran_order": False, "shape": (2**40, 12)}, vectors.tobytes())}))
    for model in models:
        for command in (["neighbors", str(model), "w1"], ["gradcheck", str(model)]):
            done = subprocess.run([sys.executable, str(ROOT / "main.py"), *command],
                                  capture_output=True, text=True, cwd=ROOT, timeout=300)
            assert done.returncode != 0, (command, done.stdout)
            assert "Traceback" not in done.stderr, done.stderr
            assert model.name in done.stderr and "is not a readable" in done.stderr, done.stderr
