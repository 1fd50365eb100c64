/*
 * Turns an application's history into steps an elderly applicant can follow: what happened
 * (with the standard phrase and reason), where the case is now, and what is left.
 *
 * Backend shape (services/applications/views.py application_view): stage is one of 受理 核对 督办 审批
 * 备案 补正 已办结 不予受理 已撤回; timeline entries are {stage, action, at, phrase, reason, item}
 * where `stage` is the stage in which the action happened.
 */
const { chineseDate, chineseDateTime } = require('./format');

/* The workflow of the seed platforms: 受理 → 核对 → 督办 → 审批 → 备案. */
const MAIN_STAGES = ['accept', 'check', 'supervise', 'approve', 'file'];

const STAGES = {
  accept: { label: '受理', plain: '乡镇受理窗口正在看您的材料' },
  check: { label: '核对', plain: '正在核对家庭经济情况，一般3个工作日' },
  supervise: { label: '督办', plain: '督办窗口正在复查' },
  approve: { label: '审批', plain: '救助部门正在审批' },
  file: { label: '备案', plain: '救助中心正在备案，快办完了' },
  correction: { label: '补正', plain: '材料需要补一补，请看下面的说明' },
  done: { label: '已办结', plain: '已经办完了' },
  rejected: { label: '不予受理', plain: '这次申请没有通过，原因见下面' },
  withdrawn: { label: '已撤回', plain: '这次申请已经撤回' },
};

/* Chinese stage names from the backend, and English codes should it ever send them. */
const ALIASES = {
  受理: 'accept', accept: 'accept', acceptance: 'accept',
  核对: 'check', check: 'check', checking: 'check',
  督办: 'supervise', supervise: 'supervise', supervision: 'supervise',
  审批: 'approve', approve: 'approve', approval: 'approve',
  备案: 'file', file: 'file', filing: 'file',
  补正: 'correction', correction: 'correction',
  已办结: 'done', done: 'done',
  不予受理: 'rejected', rejected: 'rejected',
  已撤回: 'withdrawn', withdrawn: 'withdrawn',
};

const FINISHED = { done: 'done', rejected: 'bad', withdrawn: 'done' };

function stageKey(stage) {
  return ALIASES[String(stage || '').toLowerCase()] || null;
}

function stageLabel(stage) {
  const key = stageKey(stage);
  return key ? STAGES[key].label : String(stage || '');
}

function stagePlain(stage) {
  const key = stageKey(stage);
  return key ? STAGES[key].plain : '';
}

/* Refusals are recognisable by their standard phrase (不同意受理, 不同意救助, 不予受理). */
function isRefusal(phrase) {
  return /^(不同意|不予)/.test(phrase || '');
}

function pastStep(e) {
  const label = stageLabel(e.stage);
  // A stage decision ("办理") is best named by its stage; other actions by themselves (提交申请, 撤回申请).
  const title = !e.action || e.action === '办理' || e.action === label ? label : e.action;
  return {
    title: e.item ? `${title}（${e.item}）` : title,
    when: chineseDateTime(e.at),
    phrase: e.phrase || '',
    reason: e.reason || '',
    note: '',
    state: isRefusal(e.phrase) ? 'bad' : 'done',
  };
}

/**
 * events: the application's timeline; stage: its current stage. Returns the steps done, the
 * current one (with a plain explanation), and the stages still ahead.
 */
function shapeTimeline(events, stage) {
  const steps = (events || [])
    .slice()
    .sort((a, b) => String(a.at).localeCompare(String(b.at)))
    .map(pastStep);
  const key = stageKey(stage);
  if (!key) return steps;
  // `note` explains a stage in plain words; `reason` is only ever a decision's stated reason.
  const stageStep = (k, state, note) => ({ title: STAGES[k].label, when: '', phrase: '', reason: '', note, state });
  if (FINISHED[key]) {
    steps.push(stageStep(key, FINISHED[key], STAGES[key].plain));
    return steps;
  }
  steps.push(stageStep(key, 'current', STAGES[key].plain));
  const at = MAIN_STAGES.indexOf(key);
  // From 补正 the case goes back to 受理, so everything from there is still ahead.
  MAIN_STAGES.slice(at + 1).forEach((k) => steps.push(stageStep(k, 'todo', '')));
  return steps;
}

/* One line for a list row: "核对 · 正在核对家庭经济情况，一般3个工作日". */
function statusLine(application) {
  const label = stageLabel(application.stage);
  const plain = stagePlain(application.stage);
  return plain ? `${label} · ${plain}` : label;
}

/* "这一步规定在 2026年12月1日 前办完" while the case is open and the stage has a limit. */
function dueLine(application) {
  if (!application.open || !application.due_on) return '';
  const about = application.due_approximate ? '大约' : '';
  return `这一步规定${about}在${chineseDate(application.due_on)}前办完`;
}

module.exports = { shapeTimeline, stageLabel, stagePlain, stageKey, statusLine, dueLine, MAIN_STAGES };
