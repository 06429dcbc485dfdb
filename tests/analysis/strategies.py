"""Hypothesis strategies: small random models with AND gates, cycles,
profiles, releases, deployed and partial mitigations."""

from __future__ import annotations

from hypothesis import strategies as st

from attackgraph.model import AttackModel, Edge, Mitigation, Node, Profile, Release

ACCESS = ("physical", "adjacent", "local", "network")
SKILLS = ("none", "low", "medium", "high", "expert")


@st.composite
def models(
    draw,
    max_nodes: int = 9,
    max_mitigations: int = 4,
    max_enablers: int = 3,
    acyclic: bool | None = None,
) -> AttackModel:
    n = draw(st.integers(2, max_nodes))
    if acyclic is None:  # acyclic models take the search's pruning path
        acyclic = draw(st.booleans())
    entries = draw(st.integers(1, max(1, min(3, n - 1))))
    releases = [Release(f"R{i}", f"Release {i}") for i in range(draw(st.integers(0, 2)))]
    release_ids = [r.id for r in releases]
    kinds = ["entry"] * entries + [
        draw(st.sampled_from(["step", "step", "goal"])) for _ in range(n - entries)
    ]
    if "goal" not in kinds:
        kinds[-1] = "goal"
    ids = [f"{k[0].upper()}{i}" for i, k in enumerate(kinds)]
    edges = set()
    for t in range(entries, n):
        sources = draw(st.lists(st.integers(0, n - 1), min_size=0, max_size=max_enablers))
        for s in sources:
            if s != t and not (acyclic and s > t):
                edges.add((ids[s], ids[t]))
    indeg = {i: 0 for i in ids}
    for _, t in edges:
        indeg[t] += 1
    nodes = []
    for i, k in zip(ids, kinds, strict=True):
        fields = {}
        if k != "entry" and indeg[i] and draw(st.booleans()):
            fields["gate"] = "and"
        fields["cost"] = draw(st.sampled_from([0, 1, 1, 2, 3]))
        fields["probability"] = draw(st.sampled_from([0.5, 1.0]))
        if draw(st.integers(0, 4)) == 0:
            fields["access"] = draw(st.sampled_from(ACCESS))
        if draw(st.integers(0, 4)) == 0:
            fields["skill"] = draw(st.sampled_from(SKILLS))
        if release_ids and draw(st.integers(0, 4)) == 0:
            fields["release_fixed"] = draw(st.sampled_from(release_ids))
        if k == "goal":
            fields["impact"] = draw(st.sampled_from([1, 2, 5]))
        nodes.append(Node(i, k, f"node {i}", **fields))
    mits = []
    for j in range(draw(st.integers(0, max_mitigations))):
        blocks = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        fields = {"cost": draw(st.sampled_from([1, 2, 3, 5]))}
        if draw(st.integers(0, 3)) == 0:
            fields["effectiveness"] = 0.5
        if draw(st.integers(0, 3)) == 0:
            fields["status"] = "deployed"
        if release_ids and draw(st.integers(0, 3)) == 0:
            fields["release"] = draw(st.sampled_from(release_ids))
        mits.append(Mitigation(f"M{j}", f"mitigation {j}", tuple(blocks), **fields))
    profiles = [
        Profile(
            "P1",
            "limited",
            access=tuple(
                draw(st.lists(st.sampled_from(ACCESS), min_size=1, max_size=4, unique=True))
            ),
            max_skill=draw(st.sampled_from(SKILLS)),
        )
    ]
    model = AttackModel("random")
    model.add_all(
        nodes=nodes,
        edges=[Edge(s, t) for s, t in sorted(edges)],
        mitigations=mits,
        profiles=profiles,
        releases=releases,
    )
    return model
