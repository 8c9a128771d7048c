hooks = {}
