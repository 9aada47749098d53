//! Python's `random.Random` with a seed: the Mersenne Twister, seeded and
//! drawn from exactly as CPython 3.11 does, so `shuffle(seed=...)` and
//! `ans_random(seed=...)` give the same results as in Copier.

use sha2::{Digest, Sha512};

const N: usize = 624;
const M: usize = 397;

/// A seeded `random.Random`.
pub struct PyRandom {
    state: [u32; N],
    index: usize,
}

/// A seed as Python's `Random.seed` accepts it.
pub enum Seed<'a> {
    Int(i128),
    Text(&'a str),
}

impl PyRandom {
    /// `random.Random(seed)`: an integer is used by magnitude; a string
    /// (version 2 seeding) is its UTF-8 bytes followed by their SHA-512,
    /// read as one big-endian integer.
    pub fn new(seed: Seed<'_>) -> PyRandom {
        let key = match seed {
            Seed::Int(number) => words_of(&number.unsigned_abs().to_be_bytes()),
            Seed::Text(text) => {
                let mut bytes = text.as_bytes().to_vec();
                bytes.extend_from_slice(&Sha512::digest(text.as_bytes()));
                words_of(&bytes)
            }
        };
        let mut random = PyRandom {
            state: [0; N],
            index: N,
        };
        random.init_by_array(&key);
        random
    }

    fn init_genrand(&mut self, seed: u32) {
        self.state[0] = seed;
        for i in 1..N {
            let previous = self.state[i - 1];
            self.state[i] = 1_812_433_253u32
                .wrapping_mul(previous ^ (previous >> 30))
                .wrapping_add(i as u32);
        }
        self.index = N;
    }

    fn init_by_array(&mut self, key: &[u32]) {
        self.init_genrand(19_650_218);
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            let previous = self.state[i - 1];
            self.state[i] = (self.state[i] ^ (previous ^ (previous >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                self.state[0] = self.state[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let previous = self.state[i - 1];
            self.state[i] = (self.state[i]
                ^ (previous ^ (previous >> 30)).wrapping_mul(1_566_083_941))
            .wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                self.state[0] = self.state[N - 1];
                i = 1;
            }
        }
        self.state[0] = 0x8000_0000;
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    fn twist(&mut self) {
        for i in 0..N {
            let y = (self.state[i] & 0x8000_0000) | (self.state[(i + 1) % N] & 0x7fff_ffff);
            let mut next = self.state[(i + M) % N] ^ (y >> 1);
            if y & 1 != 0 {
                next ^= 0x9908_b0df;
            }
            self.state[i] = next;
        }
        self.index = 0;
    }

    /// `random()`: a float in `[0, 1)` from 53 random bits. The filters do
    /// not need it; the tests use it to compare the generator with CPython.
    #[cfg(test)]
    pub fn random(&mut self) -> f64 {
        let high = f64::from(self.next_u32() >> 5);
        let low = f64::from(self.next_u32() >> 6);
        (high * 67_108_864.0 + low) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `getrandbits(bits)` for up to 127 bits, least significant word first.
    pub fn getrandbits(&mut self, bits: u32) -> u128 {
        if bits == 0 {
            return 0;
        }
        if bits <= 32 {
            return u128::from(self.next_u32() >> (32 - bits));
        }
        let mut result = 0u128;
        let mut remaining = bits;
        let mut shift = 0;
        while remaining > 0 {
            let mut word = self.next_u32();
            if remaining < 32 {
                word >>= 32 - remaining;
            }
            result |= u128::from(word) << shift;
            shift += 32;
            remaining = remaining.saturating_sub(32);
        }
        result
    }

    /// `_randbelow(n)`: rejection sampling on `n.bit_length()` bits.
    pub fn below(&mut self, n: u128) -> u128 {
        if n == 0 {
            return 0;
        }
        let bits = 128 - n.leading_zeros();
        loop {
            let candidate = self.getrandbits(bits);
            if candidate < n {
                return candidate;
            }
        }
    }

    /// `randrange(start, stop, step)`, or `None` for an empty range.
    pub fn randrange(&mut self, start: i128, stop: i128, step: i128) -> Option<i128> {
        let width = stop.checked_sub(start)?;
        let count = match step {
            1 => width,
            step if step > 0 => width.checked_add(step - 1)?.div_euclid(step),
            step if step < 0 => width.checked_add(step + 1)?.div_euclid(step),
            _ => return None,
        };
        if count <= 0 {
            return None;
        }
        let picked = self.below(count as u128) as i128;
        start.checked_add(step.checked_mul(picked)?)
    }

    /// `shuffle(items)`: Fisher-Yates from the end.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u128 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// Splits a big-endian unsigned integer into 32-bit words, least
/// significant first, as CPython passes them to `init_by_array` (`[0]` for
/// zero).
fn words_of(big_endian: &[u8]) -> Vec<u32> {
    let start = big_endian
        .iter()
        .position(|byte| *byte != 0)
        .unwrap_or(big_endian.len());
    let significant = &big_endian[start..];
    let mut words: Vec<u32> = significant
        .rchunks(4)
        .map(|chunk| {
            chunk
                .iter()
                .fold(0u32, |word, byte| (word << 8) | u32::from(*byte))
        })
        .collect();
    if words.is_empty() {
        words.push(0);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_seed_matches_cpython() {
        let mut random = PyRandom::new(Seed::Text("s"));
        assert_eq!(random.random(), 0.47702766547742415);
        assert_eq!(random.getrandbits(41), 741_805_384_106);
        assert_eq!(random.randrange(0, 100, 1), Some(97));
        let mut accented = PyRandom::new(Seed::Text("ééé"));
        assert_eq!(accented.random(), 0.33744845749264596);
    }

    #[test]
    fn int_seed_matches_cpython() {
        let mut items: Vec<i32> = (0..10).collect();
        PyRandom::new(Seed::Int(42)).shuffle(&mut items);
        assert_eq!(items, [7, 3, 2, 8, 5, 6, 9, 4, 0, 1]);

        let mut random = PyRandom::new(Seed::Int(0));
        assert_eq!(random.below(4), 3);
        assert_eq!(
            random.randrange(0, 999_999_999_999_999_999_999_999_999_999_999, 1),
            Some(52_561_592_860_892_109_046_530_594_917_548)
        );
        assert_eq!(PyRandom::new(Seed::Int(-7)).random(), 0.32383276483316237);
        assert_eq!(
            PyRandom::new(Seed::Int(12_345_678_901_234_567_890)).random(),
            0.5120180983871961
        );
    }
}
