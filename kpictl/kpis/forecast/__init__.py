"""Launch forecasts from the portfolio's own history: timelines, the catalog and the as-of in,
each running project's forecast and the launches expected per quarter out.

The path to launch follows the catalog's roles: from the start to the go milestone (the
proof-of-concept milestones on the way each timed from the start); from the go milestone to the
last of the production milestones, which run in parallel; from that one to the launch, which
waits for all of them. Each step's duration is estimated by Kaplan–Meier from every project that
took it with its start in the window: a completed step is an event, a step still running is
right-censored at the as-of date (it took at least this long), and a step of an archived
project is censored when the project was archived. A running project's time left on its step is
that distribution conditioned on the exact time it has already spent there; the steps after it are
added by exact convolution on whole days. There is no sampling, hence no seed: the same timelines
and as-of give the same forecast, and a project's forecast depends only on its own milestones and
the shared step durations. Probability the portfolio has not seen end (the slowest projects of a
step are still running) stays at infinity: a percentile that falls there is not given.

The production milestones are one step (the time to the last of them, per project) for the
launch, so that a project's slow and fast milestones are not treated as independent draws; each
of them is also a step of its own, for the next milestone a project is expected to reach.

One module per concern, each using only those above it:

- ``distributions``: whole-day distributions (Kaplan–Meier step curves, tabulated sums,
  convolution, percentiles); plain numbers, nothing of projects;
- ``competing``: the chance of being archived on a step (a competing risk, Aalen–Johansen);
- ``path``: the catalog's path to launch and each step's observations across the portfolio;
- ``pace``: whether the portfolio has been getting faster or slower (then each step is
  estimated at today's pace, and the forecasts say so);
- ``quarters``: the launches per calendar quarter, a Poisson-binomial count;
- ``forecaster``: each running project's forecast, and the portfolio's (``forecast_portfolio``).
"""
