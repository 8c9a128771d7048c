keep_state = 'yes'
hooks = {}
