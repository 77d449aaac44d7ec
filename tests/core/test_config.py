"""One table of limits: TrainConfig checks every field against it and names the field."""

import dataclasses

import pytest

from core.train.config import LARGEST_SEED, PARAMETERS, ConfigError, TrainConfig


def test_every_field_has_a_row_and_every_row_a_field():
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    assert set(PARAMETERS) == fields - {"cbow_mean"}


@pytest.mark.parametrize("name", [n for n, p in PARAMETERS.items() if p.kind != "choice"])
def test_each_limit_is_inclusive_and_a_step_beyond_is_refused_naming_the_field(name):
    parameter = PARAMETERS[name]
    base = TrainConfig(alpha=10.0, min_alpha=0.0)
    for value in (parameter.low, parameter.high):
        value = int(value) if parameter.kind == "int" else float(value)
        if name == "min_alpha" and value > base.alpha:
            continue
        assert getattr(base.replace(**{name: value}), name) == value
    beyond = parameter.high + (1 if parameter.kind == "int" else parameter.high)
    with pytest.raises(ConfigError) as refused:
        base.replace(**{name: int(beyond) if parameter.kind == "int" else beyond})
    assert refused.value.field == name and str(refused.value).startswith(name)


def test_the_extremes_together_are_accepted():
    config = TrainConfig(seed=LARGEST_SEED, alpha=1e-8, min_alpha=0.0, dim=10_000)
    assert TrainConfig.from_json(config.to_json()) == config


def test_a_rule_between_fields_names_the_field_it_refuses():
    with pytest.raises(ConfigError, match="min_alpha must be at most alpha") as refused:
        TrainConfig(alpha=0.01, min_alpha=0.5)
    assert refused.value.field == "min_alpha"
    with pytest.raises(ConfigError) as refused:
        TrainConfig(cbow_mean="yes")
    assert refused.value.field == "cbow_mean"
