"""Numbers every layer shares: the random streams of a run (one ``SeedSequence``), the
intervals of every reported estimate, and the Kaplan–Meier survival estimator."""
