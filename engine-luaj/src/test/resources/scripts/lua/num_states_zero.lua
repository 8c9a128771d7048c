num_states = 0
hooks = {}
