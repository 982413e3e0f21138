"""mucast.outputs"""
