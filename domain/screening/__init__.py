"""The two tests: test 1's screening questions and test 2's knowledge test.

Owns: checking one answer against its question (`answers`); test 1, one question at a time
(`first_test`); test 2 with attempts, a time limit and a rating (`knowledge_test`); the rules
for editing questions (`questions`); which test of a kind a candidate takes, the one they
started even when the vacancy's test changed since (`taken`).
"""
