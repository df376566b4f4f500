export { assembleLeads, LEAD_COLUMNS, LEADS_DDL, type LeadSummary } from './assemble.js';
export { leadId, leadIdSql } from './lead-id.js';
export { score, scoreSql, SCORE_WEIGHTS } from './score.js';
