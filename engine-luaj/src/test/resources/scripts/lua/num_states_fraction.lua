num_states = 1.5
hooks = {}
