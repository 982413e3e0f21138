"""The second audit of the EFT commands (0.4.0): data-set defaults, lepton-flavour-violating
neutrino operators, EFT validity of `yield`, warnings of `conventions`/`export`, table1 at other
settings, the --scale range, repeated --coef, --n-type, messages in the user's units, citations."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mucast.cli import main
from mucast.inference.likelihood import quadratic_form
from mucast.inference.yields import signal_yield
from mucast.models.eft import LFV_PAIRS, WET_LFV, EFTModel
from mucast.units import GeV

U = 1.0 / GeV**2


def _json(capsys, *argv, code=0):
    assert main(list(argv)) == code
    out, err = capsys.readouterr()
    return json.loads(out) if code == 0 else err


def _file(tmp_path, text, name="wc.yaml"):
    p = tmp_path / name
    p.write_text(text)
    return p


# ------------------------------------------------------------------ 1. data-set defaults
def test_plane_defaults_to_the_published_data_and_trident_to_its_projection(capsys, tmp_path):
    """plane said "default 2022" and ran `future` (a --wcxf point "excluded" by 1e14 MOT);
    trident is seed 000's Eq. 24, "future combined sensitivity"."""
    f = _file(tmp_path, "eft: WET\nbasis: JMS\nscale: 2\nvalues:\n  VnueLL_3322: 0.001\n")
    d = _json(capsys, "plane", "--wcxf", str(f), "--json")
    assert d["dataset"] == "2022" and d["excluded"] is False
    assert _json(capsys, "plane", "--wcxf", str(f), "--dataset", "future", "--json")["excluded"]
    assert _json(capsys, "trident", "--json")["plane"]["dataset"] == "future"
    for cmd, default in (("plane", "2022"), ("trident", "future")):
        with pytest.raises(SystemExit):
            main([cmd, "--help"])
        assert f"(default {default}" in " ".join(capsys.readouterr().out.split())


# --------------------------------------------------------- 2. lepton-flavour violation
def _rotation(rng):
    """A random 3x3 unitary (QR of a complex Gaussian matrix)."""
    q, r = np.linalg.qr(rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3)))
    return q * (np.diag(r) / abs(np.diag(r)))


def _entries(cll, clr):
    """{JMS name: value [GeV^-2]} of hermitian 3x3 matrices in the neutrino flavours: the
    diagonal and the independent i < j entries (ji is their conjugate, implied)."""
    out = {}
    for i in range(3):
        out[f"VnueLL_{i + 1}{i + 1}22"] = cll[i, i].real
        out[f"VnueLR_{i + 1}{i + 1}22"] = clr[i, i].real
    for ij in LFV_PAIRS.values():
        i, j = int(ij[0]) - 1, int(ij[1]) - 1
        out[f"VnueLL_{ij}22"] = complex(cll[i, j])
        out[f"VnueLR_{ij}22"] = complex(clr[i, j])
    return out


def test_lfv_yield_is_invariant_under_a_rotation_of_the_neutrino_flavours():
    """Independent evaluation: massless neutrinos, so a unitary rotation of the ν_L flavours
    changes nothing observable; diagonal matrices (computed with the flavour-diagonal code that
    0.3 already had) rotated into general ones must give the same yield with the LFV entries
    counted. Fails without them (the yield drops by the off-diagonal weight) and with the h.c.
    not counted (×2 on the off-diagonal part). Tolerance 1e-9: the same integrals, summed in
    another order."""
    rng = np.random.default_rng(11)
    for _ in range(5):
        dll, dlr = np.diag(rng.normal(size=3) * 1e-2), np.diag(rng.normal(size=3) * 1e-2)
        ref = signal_yield(EFTModel({k: v * U for k, v in _entries(dll, dlr).items() if v}),
                           "2023-24").value
        V = _rotation(rng)
        c = _entries(V @ dll @ V.conj().T, V @ dlr @ V.conj().T)
        assert max(abs(c[n]) for n in WET_LFV) > 1e-3           # really off-diagonal
        y = signal_yield(EFTModel({k: v * U for k, v in c.items()}), "2023-24").value
        assert y == pytest.approx(ref, rel=1e-9)
        q = quadratic_form("2023-24", nusmeft=False)           # the export agrees
        assert q.events(c) == pytest.approx(ref, rel=1e-9)


def test_lfv_from_files_and_cli(capsys, tmp_path):
    """VnueLL_2322 was dropped from a WET file with warnings [] (alone: "nothing to
    compute"); SMEFT le_2322 = (ν̄_μ γ P_L ν_τ)(μ̄ γ P_R μ) + ... was "not nu-nu-mu-mu"."""
    one = _json(capsys, "yield", "--coef", "VnueLL_3322=0.01", "--dataset", "2023-24",
                "--json")["yield"]
    f = _file(tmp_path, "eft: WET\nbasis: JMS\nscale: 2\nvalues:\n  VnueLL_2322: 0.01\n"
                        "  VnueLL_3322: 0.01\n")
    d = _json(capsys, "yield", "--wcxf", str(f), "--dataset", "2023-24", "--json")
    assert d["yield"] == pytest.approx(3 * one, rel=1e-9)         # 1 (diagonal) + 2 (LFV)
    f = _file(tmp_path, "eft: WET\nbasis: JMS\nscale: 2\nvalues:\n  VnueLL_2322: 0.01\n")
    assert _json(capsys, "yield", "--wcxf", str(f), "--dataset", "2023-24",
                 "--json")["yield"] == pytest.approx(2 * one, rel=1e-9)
    lr = _json(capsys, "yield", "--coef", "VnueLR_3322=0.01", "--dataset", "2023-24",
               "--json")["yield"]
    f = _file(tmp_path, "eft: SMEFT\nbasis: Warsaw\nscale: 100\nvalues:\n  le_2322: 0.01\n")
    d = _json(capsys, "yield", "--wcxf", str(f), "--dataset", "2023-24", "--json")
    assert d["yield"] == pytest.approx(2 * lr, rel=1e-9) and not d["wcxf"]["ignored"]
    b = _json(capsys, "bound", "VnueLL_2322", "--dataset", "2023-24", "--json")["bound"]
    b0 = _json(capsys, "bound", "VnueLL_3322", "--dataset", "2023-24", "--json")["bound"]
    assert b == pytest.approx(b0 / 2**0.5, rel=1e-9)


# ------------------------------------------------------------------ 3. EFT validity of yield
def test_yield_warns_below_the_pair_threshold_like_bound_and_xsec(capsys):
    """`yield --coef LN_22=10 --m-N 0.5`: Λ = 0.32 GeV < 2 m_N = 1 GeV, 2.2e6 events with
    warnings []; now the warning of bound/scan/xsec eft (one function)."""
    d = _json(capsys, "yield", "--coef", "LN_22=10", "--m-N", "0.5", "--dataset", "2023-24",
              "--json")
    assert any("Lambda = 0.3162 GeV" in w and "does not hold" in w for w in d["warnings"])
    d = _json(capsys, "yield", "--coef", "LN_22=1e-3", "--m-N", "0.5", "--dataset", "2023-24",
              "--json")                                           # Λ = 31.6 GeV: valid
    assert not any("Lambda" in w for w in d["warnings"])
    d = _json(capsys, "xsec", "eft", "LN_22", "--coefficient", "10", "--m-N", "0.5", "--json")
    assert any("Lambda = 0.3162 GeV" in w for w in d["warnings"])


# -------------------------------------------- 4. conventions and export: the warnings of bound
@pytest.mark.parametrize("op, alias, mN", [("LN_22", "ln_2211", "1.3"), ("LNLe_2222", "lnle_2122", "2.9")])
def test_conventions_and_export_warn_where_bound_does(capsys, op, alias, mN):
    """`conventions --m-N 1.49` (LN_22 0.599, warnings []) and `export likelihood --m-N 1.3` (an
    entry 100% from the last bin, warnings []): the edge and threshold warnings of `bound`."""
    b = _json(capsys, "bound", op, "--m-N", mN, "--dataset", "2022", "--json")
    assert len(b["warnings"]) == 2                                     # edge + threshold
    e = _json(capsys, "export", "likelihood", "--m-N", mN, "--dataset", "2022", "--json")
    mine = [w for w in e["warnings"] if w.startswith(f"{alias} ({op}) entry")]
    assert any("last bin" in w for w in mine) and any("below the mass" in w for w in mine)
    assert any(f"{b['bound']:.4g} GeV^-2" in w for w in mine)           # the same number
    c = _json(capsys, "conventions", "--m-N", mN, "--dataset", "2022", "--json")
    row = next(r for r in c["rows"] if r["operator"] == op)
    assert row["warnings"] == b["warnings"]
    assert [w for w in c["warnings"] if w.startswith(f"{op}: ")] == [f"{op}: {w}" for w in b["warnings"]]
    e = _json(capsys, "export", "likelihood", "--m-N", "0.1", "--dataset", "2022", "--json")
    assert e["warnings"] == []                                          # valid: nothing said


# ------------------------------------------------------- 5. table1 at settings not the seed's
def test_table1_at_other_settings_says_it_is_not_like_for_like(capsys):
    """`table1 --cl 0.95` gave ratio and status "calibration" with no warning."""
    d = _json(capsys, "table1", "--json")
    assert d["warnings"] == [] and all(r["like_for_like"] for r in d["rows"])
    for argv, key in ((["--cl", "0.95"], "cl = 0.95"), (["--method", "cls-exact"], "method = cls-exact"),
                      (["--theta-max", "0.2"], "theta_max = 0.2"), (["--t-max", "E2"], "t_max = E2")):
        d = _json(capsys, "table1", *argv, "--json")
        assert [w for w in d["warnings"] if "not like for like" in w] == [
            w for w in d["warnings"] if key in w and "not like for like" in w], argv
        assert any(key in w for w in d["warnings"]), argv
        assert not any(r["like_for_like"] for r in d["rows"])


# ------------------------------------------------------------------- 6. the scales of --run
def test_scale_range_and_file_scales_warned_with_and_without_run(capsys, tmp_path):
    """--scale had no upper limit (a 2 GeV WET file run to 1e6 GeV without a word); WET files
    at 500 GeV (above M_Z) or 0.5 GeV (below the 1 GeV floor) were used as is; a SMEFT file at
    50 GeV warned without --run but not with it."""
    f = _file(tmp_path, "eft: WET\nbasis: JMS\nscale: 2\nvalues:\n  VnueLL_3322: 0.01\n")
    err = _json(capsys, "yield", "--wcxf", str(f), "--run", "--scale", "1e6", code=2)
    assert "--scale must be in [1, 91.1876] GeV" in err and "Traceback" not in err
    pytest.importorskip("wilson")
    d = _json(capsys, "yield", "--wcxf", str(f), "--run", "--scale", "50", "--json")
    assert any("above the process's scale" in w for w in d["warnings"])
    assert not _json(capsys, "yield", "--wcxf", str(f), "--run", "--json")["warnings"]
    for text, key in (("eft: WET\nbasis: JMS\nscale: 500\n", "above M_Z"),
                      ("eft: WET\nbasis: JMS\nscale: 0.5\n", "below 1 GeV"),
                      ("eft: SMEFT\nbasis: Warsaw\nscale: 50\n", "below M_Z")):
        name = "VnueLL_3322" if "WET" in text else "ll_2233"
        g = _file(tmp_path, text + f"values:\n  {name}: 0.01\n", "f.yaml")
        for run in ([], ["--run"]):
            d = _json(capsys, "yield", "--wcxf", str(g), *run, "--json")
            assert any(key in w for w in d["warnings"]), (text, run)


# ---------------------------------------------- 7-9. --coef twice, --n-type, messages in GeV^-2
@pytest.mark.parametrize("argv, msg", [
    (["yield", "--coef", "ll_2233=0.01", "--coef", "ll_2233=0.02"], "--coef ll_2233 given twice"),
    (["bound", "ll_2222", "--n-type", "majorana"], "--n-type applies to eN_22 and LN_22"),
    (["bound", "LNLe_2222", "--n-type", "majorana"], "--n-type applies to eN_22 and LN_22"),
    (["bound", "ll_2222", "--n-type", "dirac"], "--n-type applies to eN_22 and LN_22"),
    (["yield", "--coef", "ll_2233=1e300"], "ll_2233 = 1e+300 GeV^-2"),
])
def test_refused_in_one_line_in_the_users_units(capsys, argv, msg):
    """A repeated --coef kept the last value; --n-type was echoed without effect; 1e300 GeV^-2
    was printed as 1e+294 (hepunits)."""
    err = _json(capsys, *argv, code=2)
    assert msg in err and len(err.strip().splitlines()) == 1


def test_n_type_refused_by_the_library_too():
    from mucast.exceptions import InputError
    with pytest.raises(InputError, match="n_type"):
        EFTModel({"ll_2222": U}, n_type="majorana")
    assert EFTModel({"LN_22": U}, m_N=0.1 * GeV, n_type="majorana").n_type == "majorana"


# ------------------------------------------------------------------------------- 10. cite
def test_cite_names_wilson_and_the_bases_and_refuses_unknown_sub_commands(capsys):
    """yield/bound/export never cited wilson, JMS or Warsaw; `cite limit foo` exited 0."""
    for cmd, keys in ((["yield"], ("Aebischer:2018bkb", "Jenkins:2017jig", "Grzadkowski:2010es")),
                      (["bound"], ("Aebischer:2018bkb", "Jenkins:2017jig", "Grzadkowski:2010es")),
                      (["export", "likelihood"], ("Jenkins:2017jig", "Aebischer:2017ugx"))):
        assert main(["cite", *cmd]) == 0
        out = capsys.readouterr().out
        assert all(f"@article{{{k}," in out for k in keys), cmd
    for cmd in (["limit", "foo"], ["relic", "foo"], ["export", "foo"]):
        err = _json(capsys, "cite", *cmd, code=2)
        assert "unknown sub-command 'foo'" in err and len(err.strip().splitlines()) == 1
    assert main(["cite", "limit", "dark-photon"]) == 0 and main(["cite", "relic", "target"]) == 0
