"""Layer 3: event files — LHE, gzipped LHE, CSV and Parquet — written chunk by chunk.

:class:`EventWriter` takes the chunks of :func:`mucast.events.iter_zprime` /
:func:`mucast.events.iter_eft` one at a time, so the memory of ``mucast generate`` does not grow
with the number of events, and writes them into a temporary file that replaces the output only
when the last chunk is written (:func:`mucast._io.atomic_open`: an interrupted run — an
exception, Ctrl-C, SIGTERM through the CLI — leaves nothing; a SIGKILL leaves a temporary file
``.NAME.mucast-PID@HOST.RANDOM.tmp`` that the next write into the folder removes; the output is
locked against a second writer; an existing output that is not mucast's, a link or a folder is
refused; the file gets the user's umask).

Formats, chosen by the file name (:data:`FORMATS`; anything else is refused before computing):

``.lhe``, ``.lhe.gz``
    Les Houches Event file, LHEF 3.0, energies in GeV (Alwall et al., Comput. Phys. Commun. 176
    (2007) 300). Beam 1: the muon; beam 2: the target nucleus at rest (PDG nuclear code, with
    the nuclear mass of the isotope it names: 193.6877 GeV for ²⁰⁸Pb; :func:`nucleus_mass`). Each
    event lists μ⁻ and nucleus (status −1), the outgoing μ⁻ and nucleus (1), the Z′ (1, or 2 if
    decayed) or the pair's daughters, the daughters (1). A ``<mucast>`` block in the header holds
    the generation parameters; the totals over all chunks (envelope violations, …) follow the
    last event as an XML comment. Read back with ``pylhe.LHEFile.fromfile`` (pylhe ≥ 1.0).
    ``.lhe.gz`` is written with gzip mtime 0, so the same events give the same bytes.
``.csv``
    one row per event (:data:`CSV_COLUMNS`, units in the names), '#' lines with the parameters
    at the top and the totals at the bottom.
``.parquet``
    the same columns, one row group per chunk, parameters and totals as file metadata (key
    ``mucast``, JSON); needs pyarrow (``pip install "mucast[parquet]"``).

Sizes are estimated before anything is computed (:func:`estimate_bytes`) so that a request that
cannot fit on the disk is refused with the estimate.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import shutil
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from mucast import __version__
from mucast._io import atomic_open
from mucast.constants import ALPHA, M_E, M_MU
from mucast.exceptions import DataFileError, InputError, UnknownNameError
from mucast.experiments.targets import Target
from mucast.units import GeV, MeV, eV

__all__ = ["CSV_COLUMNS", "FORMATS", "EventWriter", "estimate_bytes", "format_from_path",
           "read_csv", "write_events"]

#: file-name endings and the format they select
FORMATS = {".lhe.gz": "lhe.gz", ".lhe": "lhe", ".csv": "csv", ".parquet": "parquet"}

#: PDG Monte-Carlo numbering used in the files (Z′ = 32; heavy neutral lepton 9900012 as in
#: MadGraph's SM_HeavyN models; dark fermion χ = 9000005 — a private code)
PDG_IDS = {"mu-": 13, "mu+": -13, "nue": 12, "numu": 14, "nutau": 16, "N": 9900012, "zprime": 32,
           "chi": 9000005}
_NUCLEUS_PDG = {("Pb", 82): 1000822080, ("W", 74): 1000741840, ("Cu", 29): 1000290630,
                ("Fe", 26): 1000260560, ("C", 6): 1000060120}

CSV_COLUMNS = ["event", "x", "k_GeV", "u_GeV2", "t_GeV2"] + [
    f"{c}_{p}_GeV" for p in ("mu", "X", "N", "d1", "d2") for c in ("E", "px", "py", "pz")] + [
    "pdg_d1", "pdg_d2"]

#: per-chunk counters: summed over the chunks and written after the last event, not in the header
_TOTALS = ("envelope_violations", "recoil_resampled", "pair_check_points")
_MAXIMA = ("pair_check_max_dev",)
#: gzip output / LHE text, measured on 10^4 events (compresslevel 6): 0.13 for the Z′, 0.15 for
#: EFT pairs with daughters; used only for the disk-space estimate (rounded up)
GZIP_RATIO = 0.2


def format_from_path(path, fmt: str | None = None) -> str:
    """The format of an output file from its name (:data:`FORMATS`). ``fmt`` (the CLI's
    --format) must agree with the name when given. UnknownNameError for anything else, and for
    Parquet without pyarrow."""
    name = Path(path).name.lower()
    found = next((f for ending, f in FORMATS.items() if name.endswith(ending)), None)
    allowed = ", ".join(FORMATS)
    if found is None:
        raise UnknownNameError(f"--out {path}: unsupported event-file type; the name must end in"
                               f" one of {allowed}")
    if fmt is not None and fmt != found and not (fmt == "lhe" and found == "lhe.gz"):
        raise UnknownNameError(f"--format {fmt} does not match the file name {Path(path).name}"
                               f" ({found}); the format follows the name ({allowed})")
    if found == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise UnknownNameError("--out *.parquet needs pyarrow: pip install \"mucast[parquet]\""
                                   f" (or choose one of {', '.join(e for e in FORMATS if e != '.parquet')})") from None
    return found


def _nucleus_pdg(target_name):
    tgt = Target.from_name(target_name)
    return _NUCLEUS_PDG.get((tgt.name, tgt.Z), 1000000000 + tgt.Z * 10000 + round(tgt.A) * 10)


def electron_binding_energy(Z) -> float:
    """Total binding energy of the Z electrons of a neutral atom [energy]:
    B_el = (14.4381 Z^2.39 + 1.55468e-6 Z^5.35) eV (Lunney, Pearson, Thibault, Rev. Mod. Phys. 75
    (2003) 1021, Eq. A4; a fit good to a few per cent of B_el). 0.568 MeV for lead, 3e-6 of its
    mass, so the fit's error is below 1e-7 of the nuclear mass."""
    return (14.4381 * Z**2.39 + 1.55468e-6 * Z**5.35) * eV


def nucleus_mass(pdg: int) -> float:
    """Mass of the bare nucleus with the PDG nuclear code ``10LZZZAAAI`` [energy]: the atomic
    mass of the isotope minus Z electron masses plus the electrons' binding energy
    (:func:`electron_binding_energy`). The atomic masses are those of the particle package's
    nuclear table (``nuclei*.csv``, from periodictable): for ²⁰⁸Pb 193729.0250 MeV, within
    0.3 keV of AME2020's 207.976652005 u (Wang et al., Chin. Phys. C 45 (2021) 030003; tested),
    giving 193.6877 GeV for the ²⁰⁸Pb nucleus. UnknownNameError for a code the table lacks."""
    from particle import Particle
    from particle.particle import ParticleNotFound

    Z = (int(pdg) // 10_000) % 1000
    try:
        atomic = Particle.from_pdgid(int(pdg)).mass
    except ParticleNotFound:
        atomic = None
    if atomic is None:
        raise UnknownNameError(f"no mass for the nucleus {pdg} in the particle package's"
                               " tables")
    return atomic * MeV - Z * M_E + electron_binding_energy(Z)


def _lhe_nucleus(target_name):
    """(PDG code, mass written to the LHE file, mass of the generator's kinematics) of the
    target nucleus. The code names one isotope (²⁰⁸Pb for lead), so the file gives the nucleus
    that isotope's nuclear mass (:func:`nucleus_mass`; 193.6877 GeV, where natural lead's A·u
    is 193.0056 GeV); a user's target whose isotope the tables lack keeps A·u. The generator's
    recoil (mucast.events.kinematics) uses A·u: the file adds the mass difference to the
    nucleus energies, in and out, which keeps energy and momentum conserved exactly and moves
    the outgoing nucleus's invariant mass by T ΔM / M (T: its kinetic energy; ΔM/M = 0.35% for
    lead): 2.5e-10 GeV at the median T = 70 eV of a 100 MeV Z′ sample, 5e-6 GeV at its largest
    T = 1.4 MeV (2·10⁴ events), against a 0.68 GeV error before."""
    npdg = _nucleus_pdg(target_name)
    m_gen = Target.from_name(target_name).atomic_mass
    try:
        return npdg, nucleus_mass(npdg), m_gen
    except UnknownNameError:
        return npdg, m_gen, m_gen


def _lhe_line(pid, st, m1, m2, p, mass):
    g = GeV
    return (f" {pid:>9d} {st:>2d} {m1:>4d} {m2:>4d} {0:>4d} {0:>4d} "
            f"{p[1] / g:+.10e} {p[2] / g:+.10e} {p[3] / g:+.10e} {p[0] / g:.10e} "
            f"{mass / g:.10e} 0.0000e+00 9.0000e+00\n")


def _lhe_event_head(n_particles, u):
    """<event> and the LHEF event-information line (scale = √|ũ| in GeV, α_QED)."""
    return (f"<event>\n {n_particles} 1 1.0000000e+00 {math.sqrt(max(-u, 0)) / GeV:.6e}"
            f" {ALPHA:.8e} 0.0000000e+00\n")


def _n_particles(process, has_daughters):
    if process == "zprime":
        return 5 + (2 if has_daughters else 0)
    return 4 + (2 if has_daughters else 1)


def estimate_bytes(fmt: str, n_events: int, process: str, has_daughters: bool,
                   target: str = "Pb") -> int:
    """Estimated size of an event file [bytes] before generation: exact per event for LHE
    (fixed-width lines), an upper bound for CSV (17 characters per number) and Parquet (8 bytes
    per number, uncompressed), :data:`GZIP_RATIO` of the LHE size for .lhe.gz; plus 4 kB of
    header."""
    if fmt in ("lhe", "lhe.gz"):
        p = np.array([160 * GeV, 1.0, 1.0, 1.0])
        pid = max(_nucleus_pdg(target), PDG_IDS["N"])
        per = (len(_lhe_line(pid, 1, 1, 2, p, 1.0)) * _n_particles(process, has_daughters)
               + len(_lhe_event_head(_n_particles(process, has_daughters), -1.0)) + len("</event>\n"))
        size = per * n_events
        if fmt == "lhe.gz":
            size = size * GZIP_RATIO
    elif fmt == "csv":
        size = n_events * (len(CSV_COLUMNS) * 18 + 24)
    else:
        size = n_events * len(CSV_COLUMNS) * 8
    return int(math.ceil(size)) + 4096


def check_disk_space(path, n_bytes: int) -> None:
    """DataFileError (one line, with the estimate) if ``n_bytes`` do not fit on the file system
    that will hold ``path`` (its nearest existing folder)."""
    d = Path(path).absolute().parent
    while not d.exists() and d != d.parent:
        d = d.parent
    free = shutil.disk_usage(d).free
    if n_bytes > free:
        raise DataFileError(f"--out {path}: the events need about {_human(n_bytes)}, but only "
                            f"{_human(free)} are free on {d}; ask for fewer events or another"
                            " disk")


def _human(n):
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:.3g} {unit}"
        n /= 1000.0


def _header_items(info):
    return {k: v for k, v in info.items() if k not in _TOTALS + _MAXIMA}


class EventWriter:
    """Write event chunks to one file (format from the name, :func:`format_from_path`).

    Use as a context manager::

        with EventWriter("z.lhe") as w:
            for chunk in events.iter_zprime(...):
                w.write(chunk)

    The file appears only when the ``with`` block ends without an exception. ``w.totals``: the
    summed per-chunk counters and the number of events written.
    """

    def __init__(self, path, fmt: str | None = None, cross_section_pb: float | None = None):
        """``fmt``: None (from the file name, :func:`format_from_path`) or one of the values of
        :data:`FORMATS` (then the name is not checked: the Python API names the format)."""
        self.path = Path(path)
        if fmt is None:
            fmt = format_from_path(path)
        elif fmt not in FORMATS.values():
            raise UnknownNameError(f"format must be one of {', '.join(FORMATS.values())}, got {fmt!r}")
        self.fmt = fmt
        self.cross_section_pb = cross_section_pb
        self.totals: dict[str, float] = {"events": 0}
        self._stack = None
        self._fh = None
        self._pq = None
        self._info = None

    # -- context ---------------------------------------------------------------------------
    def __enter__(self):
        self._stack = ExitStack()
        binary = self.fmt in ("lhe.gz", "parquet")
        raw = self._stack.enter_context(atomic_open(self.path, "wb" if binary else "w",
                                                    newline="" if not binary else None))
        if self.fmt == "lhe.gz":
            gz = self._stack.enter_context(gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                         filename="", compresslevel=6))
            self._fh = self._stack.enter_context(io.TextIOWrapper(gz, encoding="utf-8",
                                                                  newline=""))
        else:
            self._fh = raw
        return self

    def __exit__(self, exc_type, exc, tb):
        stack, self._stack = self._stack, None
        if exc_type is None:
            try:
                if self._info is None:
                    raise InputError("no events were written")
                self._finish()
            except BaseException as err:
                # the temporary file is removed (atomic_open) and the error propagates
                if not stack.__exit__(type(err), err, err.__traceback__):
                    raise
                return False
        return stack.__exit__(exc_type, exc, tb)

    # -- writing ---------------------------------------------------------------------------
    def write(self, ev) -> None:
        """Append one chunk (an :class:`mucast.events.EventSample`)."""
        if len(ev) == 0:
            return
        if self._info is None:
            self._info = ev
            self._start(ev)
        n0 = self.totals["events"]
        {"lhe": self._lhe, "lhe.gz": self._lhe, "csv": self._csv,
         "parquet": self._parquet}[self.fmt](ev, n0)
        self.totals["events"] = n0 + len(ev)
        for k in _TOTALS:
            if k in ev.info:
                self.totals[k] = self.totals.get(k, 0) + int(ev.info[k])
        for k in _MAXIMA:
            if k in ev.info:
                self.totals[k] = max(self.totals.get(k, 0.0), float(ev.info[k]))

    def _start(self, ev):
        if self.fmt in ("lhe", "lhe.gz"):
            fh = self._fh
            npdg, M, _ = _lhe_nucleus(ev.target)
            xs = self.cross_section_pb
            if xs is None:
                xs = ev.info.get("sigma_pb_grid", ev.info.get("sigma_per_g2_pb_grid", 0.0))
            fh.write('<LesHouchesEvents version="3.0">\n<header>\n<mucast>\n')
            fh.write(f"  generator: mucast {__version__} (mucast.events)\n  process: {ev.process}\n")
            for key, val in _header_items(ev.info).items():
                fh.write(f"  {key}: {val}\n")
            fh.write("</mucast>\n</header>\n<init>\n")
            fh.write(f" {PDG_IDS['mu-']} {npdg} {ev.beam[0] / GeV:.10e} {M / GeV:.10e} 0 0 0 0 3 1\n")
            fh.write(f" {float(xs):.6e} 0.000000e+00 1.000000e+00 1\n</init>\n")
        elif self.fmt == "csv":
            self._fh.write(f"# mucast {__version__} events: process={ev.process}, energy_GeV="
                           f"{ev.energy / GeV}, target={ev.target}\n")
            for key, val in _header_items(ev.info).items():
                self._fh.write(f"# {key}: {val}\n")
            self._fh.write(",".join(CSV_COLUMNS) + "\n")
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq
            fields = [pa.field(c, pa.int64() if c in ("event", "pdg_d1", "pdg_d2")
                               else pa.float64()) for c in CSV_COLUMNS]
            meta = {"mucast": json.dumps({"mucast_version": __version__, "process": ev.process,
                                          "energy_GeV": ev.energy / GeV, "target": ev.target,
                                          **_header_items(ev.info)}, default=str)}
            self._schema = pa.schema(fields, metadata=meta)
            self._pq = pq.ParquetWriter(self._fh, self._schema)

    def _finish(self):
        t = self.totals
        if self.fmt in ("lhe", "lhe.gz"):
            self._fh.write(f"<!-- mucast totals: {json.dumps(t)} -->\n</LesHouchesEvents>\n")
        elif self.fmt == "csv":
            self._fh.write(f"# totals: {json.dumps(t)}\n")
        else:
            self._pq.add_key_value_metadata({"mucast_totals": json.dumps(t)})
            self._pq.close()
        if self.fmt == "lhe.gz":
            self._fh.flush()

    # -- formats ---------------------------------------------------------------------------
    def _lhe(self, ev, n0):
        fh = self._fh
        npdg, M, m_gen = _lhe_nucleus(ev.target)
        beam = ev.beam
        head = (_lhe_line(PDG_IDS["mu-"], -1, 0, 0, beam, M_MU)
                + _lhe_line(npdg, -1, 0, 0, np.array([M, 0, 0, 0]), M))
        mu, sysv, nuc = ev.mu, ev.system, ev.nucleus + np.array([M - m_gen, 0.0, 0.0, 0.0])
        d1, d2 = ev.d1, ev.d2
        ids1, ids2 = _daughter_id_arrays(ev)
        out = []
        for i in range(len(ev)):
            parts = [head, _lhe_line(PDG_IDS["mu-"], 1, 1, 2, mu[i], M_MU),
                     _lhe_line(npdg, 1, 1, 2, nuc[i], M)]
            if ev.process == "zprime":
                st = 2 if d1 is not None else 1
                parts.append(_lhe_line(PDG_IDS["zprime"], st, 1, 2, sysv[i], ev.k[i]))
                mothers = (5, 5)
            else:
                mothers = (1, 2)
            if d1 is not None:
                for pid, dv in ((int(ids1[i]), d1[i]), (int(ids2[i]), d2[i])):
                    m2 = max(dv[0] ** 2 - dv[1] ** 2 - dv[2] ** 2 - dv[3] ** 2, 0.0)
                    parts.append(_lhe_line(pid, 1, *mothers, dv, math.sqrt(m2)))
            elif ev.process != "zprime":
                # undecayed pair: one invisible pseudo-particle (code 0 is not allowed)
                parts.append(_lhe_line(PDG_IDS["chi"], 1, 1, 2, sysv[i], ev.k[i]))
            out.append(_lhe_event_head(len(parts) + 1, ev.u[i]))      # head holds two lines
            out.extend(parts)
            out.append("</event>\n")
            if len(out) > 4096:
                fh.writelines(out)
                out.clear()
        fh.writelines(out)

    def _rows(self, ev, n0):
        g = GeV
        n = len(ev)
        blocks = [(n0 + np.arange(n))[:, None], ev.x[:, None], ev.k[:, None] / g,
                  ev.u[:, None] / g**2, ev.t[:, None] / g**2, ev.mu / g, ev.system / g,
                  ev.nucleus / g]
        has_d = ev.d1 is not None
        blocks += [ev.d1 / g, ev.d2 / g] if has_d else [np.full((n, 8), np.nan)]
        ids1, ids2 = _daughter_id_arrays(ev)
        blocks.append(np.stack([ids1, ids2], 1))
        return np.concatenate(blocks, axis=1), has_d

    def _csv(self, ev, n0):
        # rows formatted here rather than by np.savetxt: savetxt's internal wrapper class is a
        # reference cycle that kept each chunk's text alive until the next full garbage
        # collection (the resident memory grew by ~50 MB per 200k-event chunk)
        data, has_d = self._rows(ev, n0)
        row = ",".join(["%d"] + ["%.10g"] * (data.shape[1] - 3) + ["%d", "%d"]) + "\n"
        if has_d:
            data = np.nan_to_num(data, nan=0.0)
        fh = self._fh
        for start in range(0, len(data), 8192):
            text = "".join(row % tuple(r) for r in data[start:start + 8192])
            fh.write(text if has_d else text.replace("nan", ""))

    def _parquet(self, ev, n0):
        import pyarrow as pa
        data, _ = self._rows(ev, n0)
        cols = {c: (data[:, j].astype(np.int64) if c in ("event", "pdg_d1", "pdg_d2")
                    else data[:, j]) for j, c in enumerate(CSV_COLUMNS)}
        self._pq.write_table(pa.table(cols, schema=self._schema))


def _daughter_id_arrays(ev):
    n = len(ev)
    if "d1_array" in ev.pdg:
        return np.asarray(ev.pdg["d1_array"]), np.asarray(ev.pdg["d2_array"])
    return np.full(n, ev.pdg.get("d1", 0)), np.full(n, ev.pdg.get("d2", 0))


def write_events(chunks, path, fmt: str | None = None, progress=None, total=None,
                 cross_section_pb=None) -> dict:
    """Write an iterable of event chunks to ``path`` (format from the name unless ``fmt`` is
    given); returns the totals (events, envelope violations, ...). ``progress``: a tqdm-like
    object with ``update(n)`` (or None)."""
    with EventWriter(path, fmt, cross_section_pb) as w:
        for ev in chunks:
            w.write(ev)
            if progress is not None:
                progress.update(len(ev))
    return w.totals


def read_csv(path) -> dict:
    """Read a file of :func:`write_events` (CSV) into a dict of column arrays (GeV units as
    named)."""
    import csv
    try:
        with open(path, encoding="utf-8") as fh:
            rows = [r for r in csv.reader(line for line in fh if not line.startswith("#"))]
    except OSError as exc:
        raise DataFileError(f"cannot read {path}: {exc}") from None
    header, body = rows[0], rows[1:]
    cols = list(zip(*body, strict=True)) if body else [() for _ in header]
    return {h: np.array([float(v) if v != "" else np.nan for v in c]) for h, c in zip(header, cols, strict=True)}
