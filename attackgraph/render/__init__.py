"""Model (and analysis) to pictures: DOT generation, the Graphviz backend and
canvas layout. Qt-free."""
