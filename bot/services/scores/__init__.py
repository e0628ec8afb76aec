"""The transparency score of each village and quarter (issue 13 §8): inputs, formula, ranking."""
