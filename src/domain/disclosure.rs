//! Disclosure control over a whole set of published tables at once, the way statistics
//! offices protect linked tables: primary suppression of small cells, then secondary
//! suppression until no hidden cell can be derived from published ones by any linear
//! combination of the tables' additive relations (a year is its half-years, a half-year its
//! quarters, the nation its regions and departments, all DMCGs the sum of each, ...).
//!
//! The set is given as cells (each a count) and lines (`total = sum of parts`). A hidden cell
//! is *derivable* when it has the same value in every solution of the lines given the published
//! cells, i.e. when its unit vector lies in the row space of the lines restricted to the hidden
//! cells. [`derivable`] decides that exactly, with elimination over the prime field
//! GF(2^61 − 1) and random vectors of the null space (a derivable cell is zero in every null
//! vector; any other is non-zero in a random one but with probability about 2^-61).

use std::collections::BTreeMap;

/// `total = parts[0] + parts[1] + ...`, over cell indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub total: usize,
    pub parts: Vec<usize>,
}

/// The field's prime, 2^61 − 1 (a Mersenne prime: reduction is a shift and an add).
const P: u64 = (1 << 61) - 1;

fn add(a: u64, b: u64) -> u64 {
    let s = a + b;
    if s >= P {
        s - P
    } else {
        s
    }
}

fn sub(a: u64, b: u64) -> u64 {
    if a >= b {
        a - b
    } else {
        a + P - b
    }
}

fn mul(a: u64, b: u64) -> u64 {
    let x = u128::from(a) * u128::from(b);
    let lo = (x as u64) & P;
    let hi = (x >> 61) as u64;
    add(lo, hi)
}

fn pow(mut base: u64, mut exp: u64) -> u64 {
    let mut acc = 1;
    while exp > 0 {
        if exp & 1 == 1 {
            acc = mul(acc, base);
        }
        base = mul(base, base);
        exp >>= 1;
    }
    acc
}

fn inv(a: u64) -> u64 {
    pow(a, P - 2)
}

/// A sparse row: (column, coefficient) sorted by column, no zero coefficients.
type Row = Vec<(usize, u64)>;

/// `a - factor * b`, both sorted.
fn subtract_scaled(a: &Row, b: &Row, factor: u64) -> Row {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(&(ca, va)), Some(&(cb, vb))) if ca == cb => {
                let v = sub(va, mul(factor, vb));
                if v != 0 {
                    out.push((ca, v));
                }
                i += 1;
                j += 1;
            }
            (Some(&(ca, va)), Some(&(cb, _))) if ca < cb => {
                out.push((ca, va));
                i += 1;
            }
            (Some(_), Some(&(cb, vb))) | (None, Some(&(cb, vb))) => {
                out.push((cb, sub(0, mul(factor, vb))));
                j += 1;
            }
            (Some(&(ca, va)), None) => {
                out.push((ca, va));
                i += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// A small deterministic generator for the random null vectors (splitmix64).
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % P
    }
}

/// The hidden cells that published cells and the lines determine, as sorted cell indexes.
pub fn derivable(cells: usize, lines: &[Line], hidden: &[bool]) -> Vec<usize> {
    // Number the hidden cells; every line becomes a row over them (published cells move to
    // the constant side and play no part in what is determined).
    let mut column = vec![usize::MAX; cells];
    let mut unknowns = Vec::new();
    for (cell, &h) in hidden.iter().enumerate().take(cells) {
        if h {
            column[cell] = unknowns.len();
            unknowns.push(cell);
        }
    }
    if unknowns.is_empty() {
        return Vec::new();
    }
    // Echelon form by insertion: each row is reduced by the pivots of its leading columns.
    let mut pivots: BTreeMap<usize, Row> = BTreeMap::new();
    for line in lines {
        let mut entries: BTreeMap<usize, u64> = BTreeMap::new();
        let mut put = |cell: usize, v: u64| {
            if let Some(&c) = column.get(cell) {
                if c != usize::MAX {
                    let e = entries.entry(c).or_insert(0);
                    *e = add(*e, v);
                }
            }
        };
        put(line.total, P - 1);
        for &part in &line.parts {
            put(part, 1);
        }
        let mut row: Row = entries.into_iter().filter(|(_, v)| *v != 0).collect();
        while let Some(&(lead, coefficient)) = row.first() {
            match pivots.get(&lead) {
                Some(pivot) => {
                    let factor = mul(coefficient, inv(pivot[0].1));
                    row = subtract_scaled(&row, pivot, factor);
                }
                None => {
                    pivots.insert(lead, row);
                    break;
                }
            }
        }
    }
    // Two random null vectors: free columns random, pivot columns solved from the last pivot
    // back. A column that is zero in both is determined.
    let mut zero_in_all = vec![true; unknowns.len()];
    let mut mix = Mix(0x5EED ^ unknowns.len() as u64);
    for _ in 0..2 {
        let mut x = vec![0u64; unknowns.len()];
        for (c, value) in x.iter_mut().enumerate() {
            if !pivots.contains_key(&c) {
                *value = mix.next().max(1);
            }
        }
        for (&lead, row) in pivots.iter().rev() {
            let mut s = 0;
            for &(c, v) in &row[1..] {
                s = add(s, mul(v, x[c]));
            }
            x[lead] = mul(sub(0, s), inv(row[0].1));
        }
        for (z, v) in zero_in_all.iter_mut().zip(&x) {
            *z &= *v == 0;
        }
    }
    unknowns
        .iter()
        .zip(zero_in_all)
        .filter(|(_, z)| *z)
        .map(|(&cell, _)| cell)
        .collect()
}

/// Secondary suppression: starting from `hidden` (the primary suppressions), hides more cells
/// until no hidden cell is derivable. `size` orders the candidates (the smallest non-zero
/// cell of a line is hidden first, so as little as possible is lost); cells of size 0 are
/// never hidden as partners (an empty group is not shown, so it is known to be 0).
pub fn protect(cells: usize, lines: &[Line], size: &[u64], hidden: &mut [bool]) {
    // Lines by the cells they hold, to find partners.
    let mut lines_of: Vec<Vec<usize>> = vec![Vec::new(); cells];
    for (i, line) in lines.iter().enumerate() {
        lines_of[line.total].push(i);
        for &p in &line.parts {
            lines_of[p].push(i);
        }
    }
    fn members(line: &Line) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(line.total).chain(line.parts.iter().copied())
    }
    let partner = |line: &Line, hidden: &[bool]| {
        members(line)
            .filter(|&c| !hidden[c] && size[c] > 0)
            .min_by_key(|&c| (size[c], c))
    };
    loop {
        // The cheap rule first: no line with exactly one hidden cell.
        let mut changed = true;
        while changed {
            changed = false;
            for line in lines {
                let count = members(line).filter(|&c| hidden[c]).count();
                if count == 1 {
                    if let Some(c) = partner(line, hidden) {
                        hidden[c] = true;
                        changed = true;
                    }
                }
            }
        }
        // Then the exact check; each derivable cell gets one more hidden neighbour.
        let found = derivable(cells, lines, hidden);
        if found.is_empty() {
            return;
        }
        let mut progressed = false;
        for cell in found {
            let best = lines_of[cell]
                .iter()
                .filter_map(|&l| partner(&lines[l], hidden))
                .min_by_key(|&c| (size[c], c));
            if let Some(c) = best {
                hidden[c] = true;
                progressed = true;
            }
        }
        if !progressed {
            // Every line of the derivable cells is hidden throughout: they are determined
            // through lines further away. Hide the smallest published cell of any line that
            // holds a hidden one; each round hides one more cell, so this ends.
            let next = lines
                .iter()
                .filter(|l| members(l).any(|c| hidden[c]))
                .filter_map(|l| partner(l, hidden))
                .min_by_key(|&c| (size[c], c));
            match next {
                Some(c) => hidden[c] = true,
                None => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(total: usize, parts: &[usize]) -> Line {
        Line {
            total,
            parts: parts.to_vec(),
        }
    }

    #[test]
    fn a_lone_hidden_part_of_a_line_is_derivable_and_two_are_not() {
        // 0 = 1 + 2 + 3
        let lines = [line(0, &[1, 2, 3])];
        assert_eq!(derivable(4, &lines, &[false, true, false, false]), [1]);
        assert!(derivable(4, &lines, &[false, true, true, false]).is_empty());
    }

    #[test]
    fn a_cell_hidden_in_two_linked_tables_can_still_be_derived_through_both() {
        // A 2x2 table with margins: rows 0 = 1 + 2, 3 = 4 + 5; columns 6 = 1 + 4, 7 = 2 + 5.
        // Hiding 1 and 2 protects the row line, but the column 6 = 1 + 4 gives 1 away.
        let lines = [
            line(0, &[1, 2]),
            line(3, &[4, 5]),
            line(6, &[1, 4]),
            line(7, &[2, 5]),
        ];
        let mut hidden = vec![false; 8];
        hidden[1] = true;
        hidden[2] = true;
        assert_eq!(derivable(8, &lines, &hidden), [1, 2]);
        // The rectangle 1, 2, 4, 5 is safe: every line has two unknowns and a free direction.
        hidden[4] = true;
        hidden[5] = true;
        assert!(derivable(8, &lines, &hidden).is_empty());
    }

    #[test]
    fn protection_hides_partners_until_nothing_is_derivable() {
        let lines = [
            line(0, &[1, 2]),
            line(3, &[4, 5]),
            line(6, &[1, 4]),
            line(7, &[2, 5]),
        ];
        let size = [20, 3, 17, 30, 12, 18, 15, 35];
        let mut hidden = vec![false; 8];
        hidden[1] = true;
        protect(8, &lines, &size, &mut hidden);
        assert!(derivable(8, &lines, &hidden).is_empty());
        assert!(hidden[1]);
        assert!(hidden.iter().filter(|h| **h).count() >= 4, "{hidden:?}");
    }

    /// Rank over the rationals by fraction-free elimination (small integer matrices only).
    fn rank(mut m: Vec<Vec<i128>>) -> usize {
        let cols = m.first().map_or(0, Vec::len);
        let mut r = 0;
        for c in 0..cols {
            let Some(p) = (r..m.len()).find(|&i| m[i][c] != 0) else {
                continue;
            };
            m.swap(r, p);
            for i in 0..m.len() {
                if i != r && m[i][c] != 0 {
                    let (a, b) = (m[r][c], m[i][c]);
                    let pivot = m[r].clone();
                    for (x, y) in m[i].iter_mut().zip(&pivot) {
                        *x = *x * a - y * b;
                    }
                    let g = m[i].iter().fold(0i128, |g, &x| gcd(g, x.abs()));
                    if g > 1 {
                        m[i].iter_mut().for_each(|x| *x /= g);
                    }
                }
            }
            r += 1;
        }
        r
    }

    fn gcd(a: i128, b: i128) -> i128 {
        if b == 0 {
            a
        } else {
            gcd(b, a % b)
        }
    }

    #[test]
    fn derivable_agrees_with_exact_rational_elimination_on_random_systems() {
        let mut mix = Mix(7);
        for case in 0..400 {
            let cells = 3 + (mix.next() % 7) as usize;
            let count = 1 + (mix.next() % 5) as usize;
            let lines: Vec<Line> = (0..count)
                .map(|_| {
                    let total = (mix.next() % cells as u64) as usize;
                    let mut parts: Vec<usize> = (0..cells)
                        .filter(|&c| c != total && mix.next().is_multiple_of(3))
                        .collect();
                    if parts.is_empty() {
                        parts.push((total + 1) % cells);
                    }
                    Line { total, parts }
                })
                .collect();
            let hidden: Vec<bool> = (0..cells).map(|_| mix.next().is_multiple_of(2)).collect();
            let unknowns: Vec<usize> = (0..cells).filter(|&c| hidden[c]).collect();
            let matrix: Vec<Vec<i128>> = lines
                .iter()
                .map(|l| {
                    unknowns
                        .iter()
                        .map(|&u| {
                            let parts = l.parts.iter().filter(|&&p| p == u).count() as i128;
                            parts - i128::from(l.total == u)
                        })
                        .collect()
                })
                .collect();
            let base = rank(matrix.clone());
            let expected: Vec<usize> = unknowns
                .iter()
                .enumerate()
                .filter(|(j, _)| {
                    let mut with = matrix.clone();
                    with.push((0..unknowns.len()).map(|k| i128::from(k == *j)).collect());
                    rank(with) == base
                })
                .map(|(_, &u)| u)
                .collect();
            assert_eq!(
                derivable(cells, &lines, &hidden),
                expected,
                "case {case}: {lines:?} hidden {hidden:?}"
            );
        }
    }

    #[test]
    fn field_arithmetic_inverts() {
        for a in [1, 2, 3, 12345, P - 1, 1 << 40] {
            assert_eq!(mul(a, inv(a)), 1, "{a}");
        }
    }
}
