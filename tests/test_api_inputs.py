"""The Python API obeys the CLI's rules (second audit): bad input raises a one-line mucast
exception naming the argument, never a bare TypeError/ValueError/IndexError/AttributeError/
OverflowError from deep inside, and never a silent wrong number."""

import numpy as np
import pytest

from mucast.exceptions import InputError
from mucast.models.mediator import get_model
from mucast.units import GeV


def _one_line(exc_info):
    msg = str(exc_info.value)
    assert "\n" not in msg and msg
    return msg


# -- 1. g-2 and decays of models the CLI's gm2 refuses --------------------------------------
def test_millicharge_has_no_gm2_nor_decays():
    m = get_model("millicharge")
    with pytest.raises(InputError) as e:
        m.delta_a_mu(0.1 * GeV, 1e-3)
    assert _one_line(e) == ("millicharge: the mediator is the photon; mucast has no g-2"
                            " prediction for it")
    for call in (lambda: m.decays(0.1 * GeV, 1e-3), lambda: m.widths(0.1 * GeV, 1e-3),
                 lambda: m.total_width(0.1 * GeV, 1e-3),
                 lambda: m.branching_invisible(0.1 * GeV, 1e-3)):
        with pytest.raises(InputError) as e:
            call()
        assert _one_line(e).startswith("millicharge: the mediator is the photon;")
    # off shell, a virtual photon of mass k (the pair's spectral function) still has widths
    w = m.widths(0.3 * GeV, 1e-3, mediator_mass=0.0)
    assert w["chi"] > 0


def test_alp_photon_has_no_one_loop_gm2():
    with pytest.raises(InputError) as e:
        get_model("alp-photon").delta_a_mu(0.1 * GeV, 1e-3)
    assert "two loops, Barr-Zee" in _one_line(e)


def test_cli_gm2_messages_unchanged(capsys):
    from mucast.cli import main
    for model, text in (("millicharge", "millicharge: the mediator is the photon; mucast has no"
                                        " g-2 prediction for it"),
                        ("alp-photon", "alp-photon: no muon coupling, so no one-loop Delta a_mu")):
        assert main(["gm2", "--model", model, "--mass", "0.1", "--coupling", "1e-3"]) == 2
        assert text in capsys.readouterr().err
