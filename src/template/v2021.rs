//! 《中华人民共和国政府信息公开工作年度报告格式》, 国办公开办函〔2021〕30号
//! (template.md §3): 10 + 175 + 15 = 200 value cells.

use super::{
    APPLICATIONS_COMMON, ApplicationRow, Key, Metric, ProactiveRow, Template, TemplateVersion,
};

const ISSUED: &[Metric] = &[
    Metric {
        code: "issued",
        unit: Some("件"),
        money: false,
        signed: false,
    },
    Metric {
        code: "repealed",
        unit: Some("件"),
        money: false,
        signed: false,
    },
    Metric {
        code: "in_force",
        unit: Some("件"),
        money: false,
        signed: false,
    },
];
const DECISIONS: &[Metric] = &[Metric {
    code: "decisions",
    unit: Some("件"),
    money: false,
    signed: false,
}];
const FEE: &[Metric] = &[Metric {
    code: "fee_amount",
    unit: Some("万元"),
    money: true,
    signed: false,
}];

pub(super) fn template() -> Template {
    let proactive = vec![
        ProactiveRow {
            article: "20.1",
            item_code: "regulation",
            keys: &[Key::Exact("规章")],
            metrics: ISSUED,
        },
        ProactiveRow {
            article: "20.1",
            item_code: "normative_document",
            keys: &[Key::Exact("行政规范性文件"), Key::Exact("规范性文件")],
            metrics: ISSUED,
        },
        ProactiveRow {
            article: "20.5",
            item_code: "administrative_license",
            keys: &[Key::Exact("行政许可")],
            metrics: DECISIONS,
        },
        ProactiveRow {
            article: "20.6",
            item_code: "administrative_penalty",
            keys: &[Key::Exact("行政处罚")],
            metrics: DECISIONS,
        },
        ProactiveRow {
            article: "20.6",
            item_code: "administrative_coercion",
            keys: &[Key::Exact("行政强制")],
            metrics: DECISIONS,
        },
        ProactiveRow {
            article: "20.8",
            item_code: "administrative_fee",
            keys: &[Key::Exact("行政事业性收费")],
            metrics: FEE,
        },
    ];
    let mut applications: Vec<ApplicationRow> = APPLICATIONS_COMMON.to_vec();
    applications.extend([
        ApplicationRow {
            row_code: "other_no_correction",
            printed: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            keys: &[
                Key::Contains("逾期不补正"),
                Key::Contains("无正当理由逾期"),
                Key::Contains("逾期不补"),
            ],
            alternative: false,
        },
        ApplicationRow {
            row_code: "other_no_fee",
            printed: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            keys: &[
                Key::Contains("收费通知"),
                Key::Contains("缴纳费用"),
                Key::Contains("逾期未按收费"),
            ],
            alternative: false,
        },
        ApplicationRow {
            row_code: "other_other",
            printed: "3.其他",
            keys: &[Key::EndsWith("3.其他")],
            alternative: false,
        },
        // Some 2021-format reports (real/kiro_1) print （六）其他处理 as one row.
        ApplicationRow {
            row_code: "other_handling",
            printed: "（六）其他处理",
            keys: &[Key::Contains("其他处理")],
            alternative: true,
        },
    ]);
    applications.extend(super::APPLICATIONS_TAIL.iter().cloned());
    Template {
        version: TemplateVersion::V2021,
        proactive,
        applications,
        proactive_labels: super::LabelMatcher::default(),
        application_labels: super::LabelMatcher::default(),
    }
}
