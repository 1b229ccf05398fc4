DROP TABLE status_intervals;
