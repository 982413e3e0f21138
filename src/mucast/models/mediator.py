"""Layer 1: mediator models — spin, couplings to every lepton, an optional dark sector — and the
named presets (docs/models.md).

A model is a Lagrangian

    L ⊃ Σ_f g_f X f̄ Γ f  [+ the dark-sector coupling],   Γ = γ^α, γ^αγ⁵, 1 or iγ⁵,

with f ∈ {e, μ, τ} (Dirac) and, for spin 1, the left-handed neutrinos ν_e, ν_μ, ν_τ
(g_ν X ν̄γ^α P_L ν). The model's one free coupling ``g`` (the CLI's ``--coupling``) scales a fixed
pattern of charges: g_f = g · charge_f. For ``parameter = "dark"`` (the millicharged particle) g
scales the dark coupling instead and the SM couplings are fixed.

Dark sector (:class:`DarkSector`): a complex scalar, a Dirac, a Majorana or a pseudo-Dirac
fermion χ with coupling g_χ and mass m_χ — fixed, or a fixed fraction of the mediator mass
(seed 001: m_Z′ = 3m_χ) — and, for pseudo-Dirac, the splitting δ (m₂ = m₁(1 + δ)). Allowed
pairings (:data:`ALLOWED_DM`): a vector takes all four; an axial vector Dirac and Majorana; a
scalar Dirac, Majorana and a complex scalar (trilinear μ_χ = g_χ m_χ); a pseudoscalar Dirac and
Majorana (a pseudoscalar cannot couple to φ*φ: CP).

Presets (:data:`PRESETS`; ``MediatorModel.preset(name, ...)``):

=================== ======= ===================================================== =============
name                spin    couplings                                             parameter g
=================== ======= ===================================================== =============
lmu-ltau (zprime)   vector  μ: +1, τ: −1, ν_μ: +1, ν_τ: −1                         g_Z′
dark-photon         vector  e, μ, τ: e·Q = −e (kinetic mixing; no neutrinos)        ε
muon-scalar         scalar  μ: 1                                                  g_μ
muon-pseudoscalar   pseudo  μ: 1                                                  g_μ
muon-axial          axial   μ: 1                                                  g_μ
millicharge         vector  the photon (m = 0), e to e, μ, τ; χ of charge εe        ε
=================== ======= ===================================================== =============

Without a dark sector, the dark photon and the muon-philic spin-0 and axial presets are *declared
invisible* (Br(X → invisible) = 1: X decays to a hidden sector not specified further — for the
dark photon a dark sector with α_D ≫ ε²α, the convention of NA64's invisible-mode limits); with a
dark sector (``with_dark``, CLI ``--dm``) the widths decide.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from mucast._io import read_toml
from mucast._validate import real_array
from mucast.constants import ALPHA, M_E, M_MU, M_PI_CHARGED, M_TAU
from mucast.exceptions import DataFileError, InputError, UnknownNameError
from mucast.models import gm2 as _gm2
from mucast.models import hadrons as _had
from mucast.models import widths as _w
from mucast.models.decays import Decays
from mucast.units import GeV

__all__ = ["SPINS", "SM_FERMIONS", "DM_TYPES", "ALLOWED_DM", "PRESETS", "CHANNELS",
           "HADRON_CURRENTS", "DarkSector", "MediatorModel", "get_model"]

SPINS = ("vector", "axial", "scalar", "pseudoscalar")
#: short names accepted for the spins (TOML files, Python)
_SPIN_ALIASES = {"v": "vector", "a": "axial", "s": "scalar", "p": "pseudoscalar",
                 "axial-vector": "axial", "axialvector": "axial"}
SM_FERMIONS = ("e", "mu", "tau", "nu_e", "nu_mu", "nu_tau")
CHARGED = ("e", "mu", "tau")
NEUTRINOS = ("nu_e", "nu_mu", "nu_tau")
_LEPTON_MASS = {"e": M_E, "mu": M_MU, "tau": M_TAU}
DM_TYPES = ("scalar", "dirac", "majorana", "pseudo-dirac")
ALLOWED_DM = {"vector": DM_TYPES, "axial": ("dirac", "majorana"),
              "scalar": ("dirac", "majorana", "scalar"), "pseudoscalar": ("dirac", "majorana")}
#: electric charge unit e = √(4πα)
E_CHARGE = math.sqrt(4.0 * math.pi * ALPHA)
#: every decay channel of :meth:`MediatorModel.widths`, and how NA64μ's missing-energy signature
#: sees it — the one place where a channel is classified (Br(invisible), the invisible width,
#: the off-shell ρ(k²) and the decays all use it)
CHANNELS = {"e": "visible", "mu": "visible", "tau": "visible", "hadrons": "visible",
            "gamma_gamma": "visible", "nu_e": "invisible", "nu_mu": "invisible",
            "nu_tau": "invisible", "chi": "invisible"}
#: quark currents a vector may couple to (mucast.models.hadrons): "em", Σ_q Q_q q̄γq
HADRON_CURRENTS = ("em",)

# -- what a model file may hold (MediatorModel.from_dict) -----------------------------------
_FILE_TABLES = ("model", "dark", "provenance")
_MODEL_KEYS = ("name", "spin", "charges", "invisible", "decays", "description", "coupling_name",
               "hadrons", "hadron_coupling", "loop_mixing")
_DARK_KEYS = ("type", "g_chi", "m_chi_GeV", "m_X_over_m_chi", "m_chi_over_m_X", "splitting")
#: |charge| ≤ 1e3: charges are a fermion's coupling in units of the model's g (the presets use
#: 1 and e = 0.30); the size is carried by g, and 1e308 overflowed the widths (issue 17)
MAX_CHARGE = 1e3
#: g_χ ≤ √(4π) (α_χ ≤ 1, perturbative; the CLI's --g-chi has the same range)
MAX_G_CHI = math.sqrt(4.0 * math.pi)
#: m_χ ≤ 10^5 GeV (far beyond any beam's reach: there the dark channel is simply closed)
MAX_M_CHI_GEV = 1e5
#: m_X/m_χ in [1e-6, 1e6] (seed 001: 3); the CLI's --mass-ratio has the same range
MASS_RATIO_RANGE = (1e-6, 1e6)


def _article(word):
    return "an" if word[0] in "aeiou" else "a"


def _check_mass_coupling(m, g):
    """Arrays (m, g) checked: numbers (not strings, None or booleans: "0.5" is not 0.5 MeV),
    masses finite and ≥ 0, couplings finite (InputError otherwise)."""
    m = real_array(m, "mass", max_ndim=None, unit_text=" [energy]")
    g = real_array(g, "coupling", max_ndim=None)
    if not np.all(np.isfinite(m)) or np.any(m < 0):
        raise InputError(f"mass must be finite and >= 0 GeV, got {m / GeV!r}")
    if not np.all(np.isfinite(g)):
        raise InputError(f"coupling must be finite, got {g!r}")
    return m, g


def _finite(name, v, lo=None, lo_open=False):
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
        raise InputError(f"{name} must be a finite number, got {v!r}")
    if lo is not None and (v < lo or (lo_open and v == lo)):
        raise InputError(f"{name} must be {'>' if lo_open else '>='} {lo:g}, got {v!r}")
    return float(v)


@dataclass(frozen=True)
class DarkSector:
    """The dark particle χ the mediator decays into.

    ``kind``: one of :data:`DM_TYPES`; ``coupling``: g_χ (dimensionless; for a complex scalar and
    a scalar mediator the trilinear is μ_χ = g_χ m_χ); ``mass``: m_χ [energy] of the lighter
    state, or None with ``mass_ratio`` = m_X/m_χ (seed 001: m_Z′ = 3m_χ, ratio 3; the one meaning
    of "mass ratio" in mucast, CLI ``--mass-ratio`` included); ``splitting``: δ ∈ [0, 1) for pseudo-Dirac,
    m₂ = m₁(1 + δ).
    """

    kind: str
    coupling: float
    mass: float | None = None
    mass_ratio: float | None = None
    splitting: float = 0.0

    def __post_init__(self):
        if self.kind not in DM_TYPES:
            raise UnknownNameError(f"dark-matter type must be one of {', '.join(DM_TYPES)}, got"
                                   f" {self.kind!r}")
        _finite("g_chi", self.coupling, 0.0)
        if (self.mass is None) == (self.mass_ratio is None):
            raise InputError("give the dark-matter mass either as m_chi or as a ratio m_X/m_chi")
        if self.mass is not None:
            _finite("m_chi", self.mass, 0.0)
        else:
            _finite("mass ratio m_X/m_chi", self.mass_ratio, 0.0, lo_open=True)
        s = _finite("splitting", self.splitting, 0.0)
        if s >= 1.0:
            raise InputError(f"splitting must be in [0, 1), got {self.splitting!r}")
        if s and self.kind != "pseudo-dirac":
            raise InputError(f"a splitting applies to pseudo-Dirac dark matter only, not {self.kind}")

    def masses(self, m_x):
        """(m₁, m₂) [energy] for a mediator of mass m_x (arrays broadcast)."""
        m1 = self.mass if self.mass is not None else np.asarray(m_x, float) / self.mass_ratio
        return m1, m1 * (1.0 + self.splitting)

    def threshold(self, m_x):
        m1, m2 = self.masses(m_x)
        return m1 + m2

    def to_dict(self) -> dict:
        d = {"type": self.kind, "g_chi": self.coupling, "splitting": self.splitting}
        if self.mass is not None:
            d["m_chi_GeV"] = self.mass / GeV
        else:
            d["m_X_over_m_chi"] = self.mass_ratio
        return d


@dataclass(frozen=True)
class MediatorModel:
    """A mediator X: Lorentz structure, couplings to each lepton per unit of the model's
    coupling ``g``, and an optional dark sector (module doc).

    ``charges``: {fermion: charge} for fermions of :data:`SM_FERMIONS` (missing ones: 0);
    ``parameter``: "sm" (g scales the SM couplings, g_f = g·charge_f) or "dark" (g scales the
    dark coupling, g_χ = g·``dark_charge``; SM couplings = the charges); ``mass``: fixed mediator
    mass [energy] (the photon of the millicharge model: 0) or None (set per computation);
    ``invisible``: declare Br(X → invisible) = 1 when there is no dark sector;
    ``hadrons``: the quark current X couples to — "em" (a vector only: L ⊃ g κ X_μ Σ_q Q_q q̄γ^μq,
    the dark photon's kinetic mixing) or None; its width is measured, from the R ratio
    (mucast.models.hadrons); ``hadron_coupling``: κ, the coupling to that current per unit of g
    (the dark photon: e, so that g_q = εeQ_q as g_ℓ = εeQ_ℓ);
    ``hadronic_threshold``: the energy [energy] above which the hadronic channels open (2m_π±;
    set automatically for ``hadrons = "em"``); the relic solver, which has no hadronic
    annihilation, refuses annihilation above it (None: no quark couplings);
    ``loop_mixing``: add the e⁺e⁻ and hadronic widths of the loop-induced kinetic mixing ε(q²)
    (mucast.models.widths.loop_mixing; a vector with Σ_ℓ q_ℓ = 0 and no tree-level electron
    or quark coupling, e.g. L_μ−L_τ; off by default);
    ``photon_coupling``: κ_γ [1/energy], an axion-like pseudoscalar's coupling to photons per unit
    of g, L ⊃ −(g κ_γ/4) a F F̃ (the ``alp-photon`` preset: g = g_aγγ in GeV⁻¹, κ_γ = 1/GeV):
    X is then made by photon fusion on the nucleus (mucast.processes.alp), not from the muon
    line, and decays to γγ at tree level; a model has either muon or photon couplings;
    ``coupling_form``: for a pseudoscalar's lepton couplings, "yukawa" (−i g_f P f̄γ⁵f) or
    "derivative" (the ALP literature's (g_f/2m_f) ∂P f̄γγ⁵f, Bauer–Neubert–Thamm): the same
    tree-level production and ℓℓ widths, different γγ loops (the anomaly term: 1 − τf(τ)
    instead of τf(τ), mucast.models.widths.alp_loop_gamma_gamma); ``coupling_unit``: the unit of
    g shown to the user ("" for dimensionless, "GeV^-1" for the ALPs).
    """

    name: str
    spin: str
    charges: dict = field(default_factory=dict)
    dark: DarkSector | None = None
    parameter: str = "sm"
    dark_charge: float = 0.0
    mass: float | None = None
    invisible: bool = False
    coupling_name: str = "g"
    description: str = ""
    hadronic_threshold: float | None = None
    hadrons: str | None = None
    hadron_coupling: float = 0.0
    loop_mixing: bool = False
    #: the default of ``decays`` (mucast.inference.mediators.default_decays): "computed" (the
    #: widths decide, visible decays in flight counted) or "invisible" (declared invisible
    #: while no dark sector is given: the dark photon's NA64 convention)
    decays_default: str = "computed"
    photon_coupling: float = 0.0
    coupling_form: str = "yukawa"
    coupling_unit: str = ""

    def __post_init__(self):
        spin = _SPIN_ALIASES.get(str(self.spin).lower(), str(self.spin).lower())
        if spin not in SPINS:
            raise UnknownNameError(f"spin must be one of {', '.join(SPINS)}, got {self.spin!r}")
        object.__setattr__(self, "spin", spin)
        if not isinstance(self.charges, dict):
            raise InputError(f"charges must be a mapping fermion -> charge, got {self.charges!r}")
        unknown = set(self.charges) - set(SM_FERMIONS)
        if unknown:
            raise UnknownNameError(f"model {self.name}: no SM fermion {', '.join(sorted(unknown))};"
                                   f" known: {', '.join(SM_FERMIONS)}")
        for f, q in self.charges.items():
            _finite(f"charge of {f}", q)
        if spin in ("scalar", "pseudoscalar") and any(self.charges.get(n, 0.0) for n in NEUTRINOS):
            raise InputError(f"{_article(spin)} {spin} mediator cannot couple to left-handed neutrinos (a scalar"
                             " bilinear needs a right-handed neutrino); remove the nu charges")
        _finite("photon_coupling", self.photon_coupling)
        if self.photon_coupling:
            if spin != "pseudoscalar":
                raise InputError(f"model {self.name}: a photon coupling a F F~ needs a"
                                 f" pseudoscalar (an ALP), not {_article(spin)} {spin}")
            if any(self.charges.values()):
                raise InputError(f"model {self.name}: give either lepton or photon couplings;"
                                 " production by both (bremsstrahlung and photon fusion, with"
                                 " their interference) is not implemented")
        elif not self.charges.get("mu", 0.0):
            raise InputError(f"model {self.name}: no muon coupling, so no production with a muon"
                             " beam (or give an ALP's photon_coupling)")
        if self.coupling_form not in ("yukawa", "derivative"):
            raise InputError(f"coupling_form must be 'yukawa' or 'derivative', got"
                             f" {self.coupling_form!r}")
        if self.coupling_form == "derivative" and spin != "pseudoscalar":
            raise InputError("coupling_form = 'derivative' is the ALP form of a pseudoscalar's"
                             f" lepton couplings, not for {_article(spin)} {spin}")
        if self.dark is not None and self.dark.kind not in ALLOWED_DM[spin]:
            raise InputError(f"{_article(spin)} {spin} mediator cannot couple to {self.dark.kind} dark matter;"
                             f" allowed: {', '.join(ALLOWED_DM[spin])}")
        if self.parameter not in ("sm", "dark"):
            raise InputError(f"parameter must be 'sm' or 'dark', got {self.parameter!r}")
        if self.parameter == "dark" and (self.dark is None or not self.dark_charge):
            raise InputError("parameter = 'dark' needs a dark sector and a dark_charge")
        if self.mass is not None:
            _finite("mass", self.mass, 0.0)
        if self.decays_default not in ("computed", "invisible"):
            raise InputError(f"decays must be 'computed' or 'invisible', got"
                             f" {self.decays_default!r}")
        self._check_quarks_and_mixing()

    def _check_quarks_and_mixing(self):
        if self.hadrons is not None:
            if self.hadrons not in HADRON_CURRENTS:
                raise InputError(f"hadrons must be one of {', '.join(HADRON_CURRENTS)} (or absent),"
                                 f" got {self.hadrons!r}")
            if self.spin != "vector":
                raise InputError(f"hadrons = 'em' couples X to the quarks' vector current: a vector"
                                 f" mediator only, not {_article(self.spin)} {self.spin}")
            if not _finite("hadron_coupling", self.hadron_coupling):
                raise InputError("hadrons = 'em' needs a non-zero hadron_coupling (the coupling"
                                 " to Σ_q Q_q q̄γq per unit of g; the dark photon: e = 0.30282)")
            if self.hadronic_threshold is None:
                object.__setattr__(self, "hadronic_threshold", 2.0 * M_PI_CHARGED)
        elif _finite("hadron_coupling", self.hadron_coupling):
            raise InputError("hadron_coupling needs hadrons = 'em' (the current it multiplies)")
        if not isinstance(self.loop_mixing, bool):
            raise InputError(f"loop_mixing must be true or false, got {self.loop_mixing!r}")
        if self.loop_mixing:
            q = [self.charges.get(f, 0.0) for f in CHARGED]
            if (self.spin != "vector" or self.parameter != "sm" or self.hadrons is not None
                    or q[0] or abs(sum(q)) > 1e-12 * max(abs(v) for v in q)):
                raise InputError("loop_mixing needs a vector coupled to μ and τ with charges summing"
                                 " to zero, no electron or quark coupling (e.g. L_mu - L_tau):"
                                 " only then is the loop-induced kinetic mixing finite and new")

    # -- couplings ---------------------------------------------------------------------------
    def sm_coupling(self, fermion: str, g):
        """g_f [dimensionless] at the model coupling g."""
        q = self.charges.get(fermion, 0.0)
        return q * np.asarray(g, float) if self.parameter == "sm" else q * np.ones_like(
            np.asarray(g, float))

    def g_mu(self, g):
        return self.sm_coupling("mu", g)

    def perturbative_coupling(self, m, g, longitudinal=True):
        """The largest dimensionless coupling of X at mass ``m`` [energy] and model coupling
        ``g``: max |g_f| over the charged leptons (an ALP's equivalent Yukawa) and |g_χ|; for an
        axial vector also its longitudinal mode's coupling 2|g_f| m_f/m_X (and 2|g_χ| m_χ/m_X):
        the axial current is not conserved, so by the equivalence theorem a light axial vector
        couples like a pseudoscalar of Yukawa 2 g_f m_f/m_X (k_μ ψ̄γ^μγ⁵ψ = 2m_f ψ̄iγ⁵ψ), which
        grows without bound as m_X → 0. The tree-level formulas (σ, Γ, Δa_μ) assume it ≲ 1.
        ``longitudinal=False``: the couplings themselves, without the axial longitudinal term."""
        m = np.asarray(m, float)
        g = np.asarray(g, float)
        out = np.zeros(np.broadcast(m, g).shape)
        pairs = [(np.abs(self.sm_coupling(f, g)), mf) for f, mf in
                 (("e", M_E), ("mu", M_MU), ("tau", M_TAU))]
        if self.dark is not None:
            pairs.append((np.abs(self.g_chi(g)), self.dark.masses(m)[0]))
        for gf, mf in pairs:
            out = np.maximum(out, gf)
            if self.spin == "axial" and longitudinal:
                with np.errstate(divide="ignore"):
                    out = np.maximum(out, 2.0 * gf * mf / m)
        return out

    @property
    def production(self) -> str:
        """How the beam makes X: "bremsstrahlung" (off the muon line) or "photon-fusion" (an
        ALP's γγ → a on the nucleus, mucast.processes.alp)."""
        return "photon-fusion" if self.photon_coupling else "bremsstrahlung"

    @property
    def production_charge(self) -> float:
        """The factor q of the production coupling q·g per unit of g: the muon charge, or κ_γ
        [1/energy] for photon fusion (σ = (q g)² σ₁)."""
        return float(self.photon_coupling) if self.photon_coupling else float(
            self.charges["mu"])

    def g_chi(self, g):
        if self.dark is None:
            return 0.0 * np.asarray(g, float)
        if self.parameter == "dark":
            return self.dark_charge * np.asarray(g, float)
        return self.dark.coupling * np.ones_like(np.asarray(g, float))

    @property
    def mediator_is_photon(self) -> bool:
        """The mediator is the photon (a fixed mediator mass 0: the millicharge): it has no
        decays, lifetime or g-2 of its own."""
        return self.mass is not None and self.mass == 0

    def _refuse_photon(self, what):
        if self.mediator_is_photon:
            raise InputError(f"{self.name}: the mediator is the photon; {what}")

    @property
    def has_invisible_channel(self) -> bool:
        return self.dark is not None or self.invisible or (
            self.spin in ("vector", "axial") and any(self.charges.get(n, 0) for n in NEUTRINOS))

    # -- widths ------------------------------------------------------------------------------
    def widths(self, m, g, mediator_mass=None) -> dict:
        """Partial widths [energy] of X of mass m at coupling g, one per channel of
        :data:`CHANNELS`: e, mu, tau (tree level, + the loop-induced mixing's e⁺e⁻ with
        ``loop_mixing``), hadrons (vector with ``hadrons = "em"``: from the R ratio,
        mucast.models.hadrons), gamma_gamma (spin 0: the charged-lepton loops), nu_e, nu_mu,
        nu_tau, chi (0 where closed; vectorised in m). ``mediator_mass``: the mass that fixes a
        dark mass given as a ratio m_X/m_χ (default m; an off-shell pair of mass k = m through a
        mediator of mass M needs M here). A model whose mediator is the photon (the millicharge)
        has widths only off shell, those of a virtual photon of mass k = m: ``mediator_mass``
        (0) is then required, and InputError is raised without it."""
        if mediator_mass is None:
            self._refuse_photon("it has no decays of its own (the widths at mass k of a virtual"
                                " photon, for the pair's spectral function, need mediator_mass=0)")
        m, g = _check_mass_coupling(m, g)
        out = {}
        for f in CHARGED:
            gf = self.sm_coupling(f, g)
            out[f] = _w.fermion_pair(self.spin, m, gf, _LEPTON_MASS[f]) if np.any(gf) else 0.0 * m
        for n in NEUTRINOS:
            gn = self.sm_coupling(n, g)
            out[n] = _w.neutrino_pair(self.spin, m, gn) if np.any(gn) else 0.0 * m
        if self.dark is not None:
            m1, _ = self.dark.masses(m if mediator_mass is None else mediator_mass)
            out["chi"] = _w.dark_pair(self.spin, self.dark.kind, m, self.g_chi(g), m1,
                                      self.dark.splitting)
        else:
            out["chi"] = 0.0 * m
        out["hadrons"] = (_had.hadronic_width(m, self.hadron_coupling * self._sm_scale(g))
                          if self.hadrons == "em" else 0.0 * m)
        if self.loop_mixing:
            eps = np.abs(_w.loop_mixing(m * m, self._sm_scale(g),
                                        [(self.charges.get(f, 0.0), _LEPTON_MASS[f])
                                         for f in CHARGED]))
            out["e"] = out["e"] + _w.fermion_pair("vector", m, eps * E_CHARGE, M_E)
            out["hadrons"] = out["hadrons"] + _had.hadronic_width(m, eps * E_CHARGE)
        if self.photon_coupling:                    # an ALP: a → γγ at tree level
            out["gamma_gamma"] = _w.alp_gamma_gamma(m, self.photon_coupling * self._sm_scale(g))
        elif self.coupling_form == "derivative":    # an ALP's lepton loops with the anomaly term
            out["gamma_gamma"] = _w.alp_loop_gamma_gamma(
                m, [(self.sm_coupling(f, g) / _LEPTON_MASS[f], _LEPTON_MASS[f])
                    for f in CHARGED if self.charges.get(f, 0.0)], "derivative")
        elif self.spin in ("scalar", "pseudoscalar"):
            out["gamma_gamma"] = _w.spin0_gamma_gamma(
                self.spin, m, [(self.sm_coupling(f, g), _LEPTON_MASS[f], 1.0, -1.0)
                               for f in CHARGED])
        else:
            out["gamma_gamma"] = 0.0 * m            # Landau–Yang
        return out

    def _sm_scale(self, g):
        """The factor multiplying the SM charges: g (parameter "sm") or 1 ("dark")."""
        g = np.asarray(g, float)
        return g if self.parameter == "sm" else np.ones_like(g)

    @property
    def declared_invisible(self) -> bool:
        """Br(X → invisible) = 1 by declaration (no dark sector given)."""
        return self.invisible and self.dark is None

    def split_widths(self, widths: dict):
        """(visible, invisible) widths from a :meth:`widths` dict, by :data:`CHANNELS`; a model
        declared invisible sends every decay to the hidden sector (all invisible)."""
        vis = sum(w for k, w in widths.items() if CHANNELS[k] == "visible")
        inv = sum(w for k, w in widths.items() if CHANNELS[k] == "invisible")
        if self.declared_invisible:
            return 0.0 * (vis + inv), vis + inv
        return vis, inv

    def invisible_width(self, m, g, mediator_mass=None):
        """Γ(X → invisible) [energy]: the channels :data:`CHANNELS` calls invisible (the ν pairs
        and the dark pair), whatever the declaration (a declared-invisible model's hidden width
        is unknown); ``mediator_mass`` as in :meth:`widths`."""
        w = self.widths(m, g, mediator_mass)
        return sum(v for k, v in w.items() if CHANNELS[k] == "invisible")

    def total_width(self, m, g):
        return sum(self.widths(m, g).values())

    def branching_invisible(self, m, g):
        """Br(X → invisible) = Γ_inv/Γ_tot (:data:`CHANNELS`); 1 for a model declared invisible
        without a dark sector; computed as 1 − Γ_vis/Γ_tot (no overflow at extreme couplings);
        0 where no channel is open."""
        m, g = _check_mass_coupling(m, g)
        if self.declared_invisible:
            return np.ones_like(m)
        vis, inv = self.split_widths(self.widths(m, g))
        tot = vis + inv
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tot > 0, 1.0 - vis / np.where(tot > 0, tot, 1.0), 0.0)

    def decays(self, m, g, mediator_mass=None) -> Decays:
        """Every partial width, the total width, Br(invisible), the proper lifetime and decay
        length of X at one mass m [energy] and coupling g (:class:`mucast.models.decays.Decays`,
        with its warnings). Refused (InputError) when the mediator is the photon (the
        millicharge): it is stable and massless, and the millicharged particle χ is stable."""
        self._refuse_photon("it is stable and massless and the millicharged particle is stable:"
                            " no decays, lifetime or branching ratios")
        m_arr, g_arr = _check_mass_coupling(m, g)
        if m_arr.ndim or g_arr.ndim:
            raise InputError("decays() takes one mass and one coupling")
        w = {k: float(v) for k, v in self.widths(m_arr, g_arr, mediator_mass).items()}
        warn = list(_had.domain_warnings(float(m_arr))) if (
            self.hadrons == "em" or self.loop_mixing) else []
        return Decays(self.name, float(m_arr), float(g_arr), w,
                      {k: CHANNELS[k] for k in w}, self.declared_invisible, tuple(warn))

    # -- g − 2 -------------------------------------------------------------------------------
    def delta_a_mu(self, m, g):
        """One-loop Δa_μ of X (mucast.models.gm2), g_μ = the model's muon coupling at g.
        Refused (InputError) for the millicharge (its mediator is the photon) and for an ALP
        coupled to photons only (it enters at two loops, Barr–Zee type: not computed); the CLI's
        ``gm2`` shows these messages."""
        self._refuse_photon("mucast has no g-2 prediction for it")
        if self.production == "photon-fusion":
            raise InputError(f"{self.name}: no muon coupling, so no one-loop Delta a_mu (its"
                             " photon coupling enters g-2 only at two loops, Barr-Zee type, which"
                             " mucast does not compute)")
        _check_mass_coupling(m, g)
        return _gm2.delta_a_mu(m, np.abs(self.g_mu(g)), self.spin) if self.parameter == "sm" \
            else _gm2.delta_a_mu(m, abs(self.charges["mu"]), self.spin) * np.ones_like(
                np.asarray(g, float))

    # -- constructors ------------------------------------------------------------------------
    def with_dark(self, kind=None, g_chi=None, m_chi=None, mass_ratio=None, splitting=None):
        """A copy with the dark sector set or changed (None keeps the current value)."""
        d = self.dark
        if d is None and kind is None:
            kind = "dirac"
        if d is None:
            d = DarkSector(kind, 0.05 if g_chi is None else g_chi,
                           mass=m_chi, mass_ratio=(3.0 if m_chi is None and mass_ratio is None
                                                   else mass_ratio),
                           splitting=0.0 if splitting is None else splitting)
        else:
            mass, ratio = d.mass, d.mass_ratio
            if m_chi is not None:
                mass, ratio = m_chi, None
            elif mass_ratio is not None:
                mass, ratio = None, mass_ratio
            kind = kind or d.kind
            sp = d.splitting if splitting is None else splitting
            d = DarkSector(kind, d.coupling if g_chi is None else g_chi, mass=mass,
                           mass_ratio=ratio, splitting=sp if kind == "pseudo-dirac" else 0.0)
        return replace(self, dark=d)

    @classmethod
    def preset(cls, name: str) -> "MediatorModel":
        """A named model (:data:`PRESETS`); ``zprime`` is an alias of ``lmu-ltau``."""
        return get_model(name)

    @classmethod
    def from_dict(cls, d: dict, source: str = "model file") -> "MediatorModel":
        """A model from a TOML-like dict (schema in docs/models.md): a [model] table with name,
        spin, charges (table), optional invisible (true/false), decays ("computed" or
        "invisible"), description, coupling_name, hadrons ("em") with hadron_coupling (a
        number), loop_mixing (true/false);
        optional [dark] table with type, g_chi, m_chi_GeV or m_X_over_m_chi (or its inverse
        m_chi_over_m_X), splitting; optional [provenance] (source, notes). Strict: unknown or
        missing keys, values of the wrong type (``invisible = "false"``, ``m_chi_GeV = true``)
        and numbers outside their range raise DataFileError naming ``source``, the key and the
        nearest known key; nothing is coerced."""
        from mucast import _schema as S
        S.check_keys(d, _FILE_TABLES, source, required=("model",), what="table")
        m = d["model"]
        where = f"{source} [model]"
        S.check_keys(m, _MODEL_KEYS, where, required=("name", "spin", "charges"))
        name = S.string(m, "name", where)
        spin = S.string(m, "spin", where)
        charges = S.table(m, "charges", where)
        S.check_keys(charges, SM_FERMIONS, f"{where} charges", what="fermion")
        for f in charges:
            S.number(charges, f, f"{where} charges", -MAX_CHARGE, MAX_CHARGE)
        invisible = S.boolean(m, "invisible", where, default=False)
        coupling_name = S.string(m, "coupling_name", where, default="g")
        description = S.string(m, "description", where, default="")
        decays = S.string(m, "decays", where, default="computed")
        hadrons = S.string(m, "hadrons", where)
        hadron_coupling = S.number(m, "hadron_coupling", where, -MAX_CHARGE, MAX_CHARGE,
                                   default=0.0)
        loop_mixing = S.boolean(m, "loop_mixing", where, default=False)
        prov = S.table(d, "provenance", source, default={})
        S.check_keys(prov, ("source", "notes"), f"{source} [provenance]")
        for key in prov:
            S.string(prov, key, f"{source} [provenance]")
        dark = None
        if "dark" in d:
            k = S.table(d, "dark", source)
            dw = f"{source} [dark]"
            S.check_keys(k, _DARK_KEYS, dw, required=("type", "g_chi"))
            if sum(key in k for key in ("m_chi_GeV", "m_X_over_m_chi", "m_chi_over_m_X")) != 1:
                raise DataFileError(f"{dw}: give one of m_chi_GeV, m_X_over_m_chi,"
                                    " m_chi_over_m_X")
            kind = S.string(k, "type", dw)
            g_chi = S.number(k, "g_chi", dw, 0.0, MAX_G_CHI)
            m_chi = S.number(k, "m_chi_GeV", dw, 0.0, MAX_M_CHI_GEV, lo_open=True, unit="GeV")
            ratio = S.number(k, "m_X_over_m_chi", dw, *MASS_RATIO_RANGE)
            inv = S.number(k, "m_chi_over_m_X", dw, 1.0 / MASS_RATIO_RANGE[1],
                           1.0 / MASS_RATIO_RANGE[0])
            if inv is not None:
                ratio = 1.0 / inv
            splitting = S.number(k, "splitting", dw, 0.0, 1.0, hi_open=True, default=0.0)
            try:
                dark = DarkSector(kind, g_chi, mass=None if m_chi is None else m_chi * GeV,
                                  mass_ratio=ratio, splitting=splitting)
            except InputError as exc:
                raise DataFileError(f"{dw}: {exc}") from None
        try:
            return cls(name=name, spin=spin, charges=dict(charges), dark=dark,
                       invisible=invisible, decays_default=decays, coupling_name=coupling_name,
                       description=description, hadrons=hadrons,
                       hadron_coupling=hadron_coupling, loop_mixing=loop_mixing)
        except InputError as exc:
            raise DataFileError(f"{source}: {exc}") from None

    @classmethod
    def from_file(cls, path) -> "MediatorModel":
        """A user's model TOML file (docs/models.md; example: data/models/example.toml)."""
        return cls.from_dict(read_toml(Path(path)), source=str(path))

    def to_dict(self) -> dict:
        d = {"name": self.name, "spin": self.spin, "charges": dict(self.charges),
             "coupling_name": self.coupling_name, "parameter": self.parameter,
             "invisible": self.invisible}
        if self.dark is not None:
            d["dark"] = self.dark.to_dict()
        if self.mass is not None:
            d["mass_GeV"] = self.mass / GeV
        if self.hadrons is not None:       # only when set: other models' digests unchanged
            d["hadrons"] = self.hadrons
            d["hadron_coupling"] = self.hadron_coupling
        if self.loop_mixing:
            d["loop_mixing"] = True
        return d


def _presets() -> dict:
    e = E_CHARGE
    return {
        "lmu-ltau": MediatorModel(
            "lmu-ltau", "vector", {"mu": 1.0, "tau": -1.0, "nu_mu": 1.0, "nu_tau": -1.0},
            coupling_name="g_Z'",
            description="gauged L_mu - L_tau Z' (seed 001): vector couplings g to mu, -g to tau,"
                        " left-handed nu_mu, nu_tau; invisible through the neutrinos"),
        "dark-photon": MediatorModel(
            "dark-photon", "vector", {"e": -e, "mu": -e, "tau": -e}, invisible=True,
            coupling_name="epsilon", hadrons="em", hadron_coupling=e,
            decays_default="invisible",
            description="kinetically mixed dark photon: couplings eps*e*Q to e, mu, tau (Q = -1)"
                        " and to the quarks (hadronic width from the measured R ratio), none to"
                        " neutrinos; invisible through a dark sector (declared: Br = 1 unless a"
                        " dark sector is given)"),
        "muon-scalar": MediatorModel(
            "muon-scalar", "scalar", {"mu": 1.0}, invisible=True, coupling_name="g_mu",
            description="scalar coupled to the muon only, g S mu-bar mu; decays to gamma gamma"
                        " (muon loop) and mu mu, in flight (--decays invisible: declared"
                        " invisible, as in mucast 0.3)"),
        "muon-pseudoscalar": MediatorModel(
            "muon-pseudoscalar", "pseudoscalar", {"mu": 1.0}, invisible=True,
            coupling_name="g_mu",
            description="pseudoscalar coupled to the muon only, g P mu-bar i gamma5 mu; decays to"
                        " gamma gamma (muon loop) and mu mu, in flight (--decays invisible:"
                        " declared invisible, as in mucast 0.3)"),
        "muon-axial": MediatorModel(
            "muon-axial", "axial", {"mu": 1.0}, invisible=True, coupling_name="g_mu",
            description="axial vector coupled to the muon only, g A_a mu-bar gamma^a gamma5 mu;"
                        " decays to mu mu, in flight (stable below 2 m_mu; --decays invisible:"
                        " declared invisible)"),
        "millicharge": MediatorModel(
            "millicharge", "vector", {"e": -e, "mu": -e, "tau": -e},
            dark=DarkSector("dirac", e, mass=0.1 * GeV), parameter="dark", dark_charge=e,
            mass=0.0, coupling_name="epsilon",
            description="millicharged Dirac fermion chi of charge eps*e, pair-produced through"
                        " the photon (mediator mass 0)"),
        "alp-photon": MediatorModel(
            "alp-photon", "pseudoscalar", {}, photon_coupling=1.0 / GeV,
            coupling_name="g_agammagamma", coupling_unit="GeV^-1",
            description="axion-like particle coupled to photons, -(g/4) a F F~ with g = g_a gamma"
                        " gamma in GeV^-1: made by photon fusion on the nucleus (Primakoff),"
                        " decays to gamma gamma, in flight"),
        "alp-muon": MediatorModel(
            "alp-muon", "pseudoscalar", {"mu": M_MU / GeV}, coupling_form="derivative",
            coupling_name="g_amumu", coupling_unit="GeV^-1",
            description="axion-like particle coupled to the muon axial current, (g/2) d_mu a"
                        " mu-bar gamma^mu gamma5 mu with g = g_a mu mu = c_mumu/Lambda in GeV^-1"
                        " (Bauer-Neubert-Thamm): made and decaying to mu mu as muon-pseudoscalar"
                        " with g_mu = g m_mu; gamma gamma through the muon loop with the anomaly"
                        " term; decays in flight"),
    }


PRESETS = tuple(_presets())
ALIASES = {"zprime": "lmu-ltau", "z'": "lmu-ltau", "lmu_ltau": "lmu-ltau"}


def get_model(model) -> MediatorModel:
    """A :class:`MediatorModel` from a preset name (:data:`PRESETS`, or the alias ``zprime``), a
    TOML path, or a model."""
    if isinstance(model, MediatorModel):
        return model
    if isinstance(model, (str, Path)) and str(model).endswith(".toml"):
        return MediatorModel.from_file(model)
    name = ALIASES.get(str(model).lower(), str(model).lower())
    presets = _presets()
    if name not in presets:
        raise UnknownNameError(f"unknown model {model!r}; presets: {', '.join(PRESETS)} (alias"
                               " zprime), or a model TOML file")
    return presets[name]
