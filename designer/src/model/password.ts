/** A password strength estimate for the create-project form: a hint, not a policy (the server requires 8 characters). */

/** How strong a password looks. */
export interface PasswordStrength {
  /** 0 (very weak) … 4 (strong). */
  score: 0 | 1 | 2 | 3 | 4;
  label: "very weak" | "weak" | "fair" | "good" | "strong";
  /** What would make it stronger. */
  hint: string;
}

const common = ["password", "123456", "qwerty", "letmein", "admin", "welcome", "highstate", "secret", "iloveyou", "monkey", "dragon"];

/** Estimates strength from length and character variety, penalising common words and repetition. */
export function passwordStrength(password: string): PasswordStrength {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password)).length;
  const unique = new Set(password).size;
  let bits = password.length * Math.log2(Math.max(2, [26, 52, 62, 94][classes - 1] ?? 2));
  if (unique <= 3) bits = Math.min(bits, 10);
  const lower = password.toLowerCase();
  if (common.some((word) => lower.includes(word))) bits -= 25;
  if (/^(.)\1+$/.test(password) || /^(?:0123|1234|abcd)/i.test(password)) bits -= 20;
  const score = (bits < 28 ? 0 : bits < 40 ? 1 : bits < 56 ? 2 : bits < 72 ? 3 : 4) as PasswordStrength["score"];
  const label = (["very weak", "weak", "fair", "good", "strong"] as const)[score];
  let hint = "a long passphrase of unrelated words is easy to remember and hard to guess";
  if (password.length < 8) hint = "use at least 8 characters";
  else if (score >= 3) hint = "keep it safe: without it the project's secrets cannot be decrypted";
  else if (classes < 3) hint = "mix upper- and lower-case letters, digits and symbols, or make it longer";
  else if (password.length < 14) hint = "make it longer";
  return { score, label, hint };
}
