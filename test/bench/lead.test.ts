import { describe, expect, it } from 'vitest';
import { leadByWords, leadDefault, pickWithinBudget } from '../../bench/summary/lead.ts';

const S = ['one two three.', 'four five.', 'six seven eight nine.', 'ten.'];

describe('budget selection', () => {
  it('Lead-N adds sentences until the budget is reached', () => {
    expect(leadByWords(S, 3)).toEqual([S[0]]);
    expect(leadByWords(S, 4)).toEqual([S[0], S[1]]);
    expect(leadByWords(S, 100)).toEqual(S);
  });

  it('picks in preference order, returns story order', () => {
    expect(pickWithinBudget(S, [2, 0, 1], 5)).toEqual([S[0], S[2]]);
    expect(pickWithinBudget(S, [9, 3], 5)).toEqual([S[3]]);
  });

  it('the default rule: three sentences, or two when the third passes the limit', () => {
    expect(leadDefault(S, 60)).toEqual(S.slice(0, 3));
    expect(leadDefault(S, 8)).toEqual(S.slice(0, 2));
    expect(leadDefault(S.slice(0, 1))).toEqual(S.slice(0, 1));
  });
});
