"""``attackgraph check``: the CI policy on open chains."""

from __future__ import annotations

from attackgraph.cli import main
from tests.cli.analysis_models import write_demo, write_invalid


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_fails_with_open_chains_and_prints_them(tmp_path, capsys):
    code, out, _ = run(capsys, "check", write_demo(tmp_path))
    assert code == 1
    assert "E1 > S1 > S4 > G1" in out and "E2 > G2" not in out  # only the open chain


def test_passes_within_the_allowance(tmp_path, capsys):
    path = write_demo(tmp_path)
    assert run(capsys, "check", path, "--max-open-chains", "1")[0] == 0
    assert run(capsys, "check", path, "--with", "M1")[0] == 0
    assert run(capsys, "check", path, "--goal", "G2")[0] == 0
    assert run(capsys, "check", path, "--without", "M2", "--goal", "G2")[0] == 1


def test_errors(tmp_path, capsys):
    code, _, err = run(capsys, "check", write_demo(tmp_path), "--with", "M7")
    assert code == 2 and "M1" in err
    assert run(capsys, "check", write_invalid(tmp_path))[0] == 1


def test_json_and_csv(tmp_path, capsys):
    import json

    code, out, _ = run(capsys, "check", write_demo(tmp_path), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["open_chains"] == 1
    assert data["chains"][0]["nodes"] == ["E1", "S1", "S4", "G1"]
    code, out, _ = run(
        capsys, "check", write_demo(tmp_path), "--format", "csv", "--max-open-chains", "3"
    )
    assert code == 0 and out.splitlines()[1].startswith("C1,G1,4,")


FLAGSHIP = "samples/azure-sphere-2020.attackgraph.json"


def test_min_depth_fails_on_single_points_of_failure(capsys):
    import json
    from pathlib import Path

    path = str(Path(__file__).parents[2] / FLAGSHIP)
    code, out, _ = run(capsys, "check", path, "--at-release", "20.07", "--min-depth", "2")
    assert code == 1
    assert "0 open chain(s)" in out.splitlines()[0] and "ok" in out.splitlines()[0]
    assert "FAILED: defence in depth below 2: root-nw-linux (1), as-capabilities (1)" in out
    code, out, _ = run(capsys, "check", path, "--at-release", "20.09", "--min-depth", "3")
    assert code == 0 and "at least 3" in out
    code, out, _ = run(
        capsys, "check", path, "--at-release", "20.09", "--min-depth", "4", "--format", "json"
    )
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["min_depth"] == 4
    assert data["shallow_goals"] == [
        {"goal": "tampered-os-attested", "depth": 3},
        {"goal": "identity-misuse", "depth": 3},
    ]
    # A reachable goal has depth 0; without --min-depth nothing changes.
    assert run(capsys, "check", path, "--at-release", "20.09")[0] == 0
    assert (
        run(
            capsys,
            "check",
            path,
            "--at-release",
            "20.06",
            "--min-depth",
            "1",
            "--max-open-chains",
            "100",
        )[0]
        == 1
    )
