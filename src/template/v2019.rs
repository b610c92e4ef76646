//! 《中华人民共和国政府信息公开工作年度报告格式（试行）》, 国办公开办函〔2019〕60号
//! (template.md §2): 22 + 161 + 15 = 198 value cells.

use super::{
    APPLICATIONS_COMMON, ApplicationRow, Key, Metric, ProactiveRow, Template, TemplateVersion,
};

const COUNT_A: &[Metric] = &[
    Metric {
        code: "new_made",
        unit: Some("件"),
        money: false,
        signed: false,
    },
    Metric {
        code: "new_published",
        unit: Some("件"),
        money: false,
        signed: false,
    },
    Metric {
        code: "published_total",
        unit: Some("件"),
        money: false,
        signed: false,
    },
];
const ITEMS_CHANGE_DECISIONS: &[Metric] = &[
    Metric {
        code: "prior_year_items",
        unit: Some("项"),
        money: false,
        signed: false,
    },
    Metric {
        code: "change",
        unit: Some("项"),
        money: false,
        signed: true,
    },
    Metric {
        code: "decisions",
        unit: Some("件"),
        money: false,
        signed: false,
    },
];
const ITEMS_CHANGE: &[Metric] = &[
    Metric {
        code: "prior_year_items",
        unit: Some("项"),
        money: false,
        signed: false,
    },
    Metric {
        code: "change",
        unit: Some("项"),
        money: false,
        signed: true,
    },
];
const PROCUREMENT: &[Metric] = &[
    Metric {
        code: "procurement_items",
        unit: Some("项"),
        money: false,
        signed: false,
    },
    Metric {
        code: "procurement_amount",
        unit: Some("万元"),
        money: true,
        signed: false,
    },
];

pub(super) fn template() -> Template {
    let proactive = vec![
        ProactiveRow {
            article: "20.1",
            item_code: "regulation",
            keys: &[Key::Exact("规章")],
            metrics: COUNT_A,
        },
        ProactiveRow {
            article: "20.1",
            item_code: "normative_document",
            keys: &[Key::Exact("规范性文件"), Key::Exact("行政规范性文件")],
            metrics: COUNT_A,
        },
        ProactiveRow {
            article: "20.5",
            item_code: "administrative_license",
            keys: &[Key::Exact("行政许可")],
            metrics: ITEMS_CHANGE_DECISIONS,
        },
        ProactiveRow {
            article: "20.5",
            item_code: "other_external_service",
            keys: &[Key::Exact("其他对外管理服务事项")],
            metrics: ITEMS_CHANGE_DECISIONS,
        },
        ProactiveRow {
            article: "20.6",
            item_code: "administrative_penalty",
            keys: &[Key::Exact("行政处罚")],
            metrics: ITEMS_CHANGE_DECISIONS,
        },
        ProactiveRow {
            article: "20.6",
            item_code: "administrative_coercion",
            keys: &[Key::Exact("行政强制")],
            metrics: ITEMS_CHANGE_DECISIONS,
        },
        ProactiveRow {
            article: "20.8",
            item_code: "administrative_fee",
            keys: &[Key::Exact("行政事业性收费")],
            metrics: ITEMS_CHANGE,
        },
        ProactiveRow {
            article: "20.9",
            item_code: "central_procurement",
            keys: &[Key::Exact("政府集中采购")],
            metrics: PROCUREMENT,
        },
    ];
    let mut applications: Vec<ApplicationRow> = APPLICATIONS_COMMON.to_vec();
    applications.push(ApplicationRow {
        row_code: "other_handling",
        printed: "（六）其他处理",
        keys: &[Key::Contains("其他处理")],
        alternative: false,
    });
    applications.extend(super::APPLICATIONS_TAIL.iter().cloned());
    Template {
        version: TemplateVersion::V2019,
        proactive,
        applications,
        proactive_labels: super::LabelMatcher::default(),
        application_labels: super::LabelMatcher::default(),
    }
}
