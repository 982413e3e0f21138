"""mucast.models"""
