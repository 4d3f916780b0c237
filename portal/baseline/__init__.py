"""摸清底数: the baseline of the registered poor labour force (the plan's first measure)."""
