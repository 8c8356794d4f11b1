-- Each part of the store and its revision token.
SELECT part, token FROM revisions;
