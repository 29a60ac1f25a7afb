"""The clean-claim classifier.

Run time: :mod:`.features` (the rules' findings as a feature dict) and :mod:`.model` (the
calibrated scikit-learn pipeline, its decision policy, persistence). Training time, used by
``cleanclaim train`` / ``evaluate`` / ``annotations`` and the notebooks: :mod:`.corpus`,
:mod:`.training`, :mod:`.evaluation`, :mod:`.metrics`, :mod:`.convert`.
"""
