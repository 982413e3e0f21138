"""mucast.inference"""
