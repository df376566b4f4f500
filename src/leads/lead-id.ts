/**
 * lead_id: a stable fingerprint of (rule_id, subject_key) — the first 16 hex digits of
 * sha256(rule_id || '|' || subject_key). Rule ids are snake_case and never contain '|', so the pair is
 * unambiguous even though finance subject keys themselves contain '|'. The same finding keeps its id across runs.
 */
import { createHash } from 'node:crypto';

export function leadIdSql(ruleId = 'rule_id', subjectKey = 'subject_key'): string {
  return `substr(sha256(${ruleId} || '|' || ${subjectKey}), 1, 16)`;
}

export function leadId(ruleId: string, subjectKey: string): string {
  return createHash('sha256').update(`${ruleId}|${subjectKey}`, 'utf8').digest('hex').slice(0, 16);
}
