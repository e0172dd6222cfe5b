"""A candidate's way from the link to a decision.

Owns: arriving from a link (`arrival`); choosing a city (`cities`); the status changes a
person makes in the panel or the API (`actions`); where the candidate is in the journey
(`journey`); finding candidates and reading one candidate's story (`directory`); requests
to be contacted and the panel's inbox of them (`contact`).
"""
