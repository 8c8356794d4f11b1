-- DfE's national SD of a measure's pupil scores for a year, where imported. Parameters: year, measure.
SELECT sd FROM national_sd WHERE year = $1 AND measure = $2;
