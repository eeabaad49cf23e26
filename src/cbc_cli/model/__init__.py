"""The data cbc works with: form editions, configuration, periods, findings and results.

The bottom layer: it imports nothing else of cbc's.
"""
