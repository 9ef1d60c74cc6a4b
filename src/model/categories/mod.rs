//! Event categories as data: named actor groups, named event-type sets and the categories
//! built from them, read from a TOML file (the shipped `config/categories.toml` by
//! default; its header documents the schema).
//!
//! Matching an actor name against the groups is the slow part, so it is done once per
//! distinct name by a [`Classifier`]; classifying an event is then a few bit operations.

mod classify;
mod matching;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use matching::Words;

pub use classify::{BitIter, CategorySet, Classifier};

/// The categories file shipped with the tool (DOMAIN.md definitions for Mali).
pub const MALI_DEFAULT_TOML: &str = include_str!("../../../config/categories.toml");

/// At most this many categories and this many actor groups (they are bits of a `u64`).
pub const MAX_CATEGORIES: usize = 64;
pub const MAX_ACTOR_GROUPS: usize = 64;

/// A named set of actor names.
#[derive(Debug, Clone)]
pub struct ActorGroup {
    pub id: String,
    pub label: String,
    contains: Vec<Words>,
    exact: Vec<Words>,
    exclude: Vec<Words>,
}

impl ActorGroup {
    /// Whether the actor name belongs to the group.
    pub fn matches(&self, actor: &str) -> bool {
        self.matches_words(&Words::new(actor))
    }

    fn matches_words(&self, name: &Words) -> bool {
        let hit = self.contains.iter().any(|p| name.contains(p))
            || self.exact.iter().any(|p| name.equals(p));
        hit && !self.exclude.iter().any(|p| name.equals(p))
    }
}

/// Which actor fields a category's actor condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorRoles {
    /// actor1/actor2 (ACLED), side_a/side_b (UCDP GED).
    #[default]
    Primary,
    /// Primary or associated actors.
    Any,
}

/// One counted category.
#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub label: String,
    /// What the fatalities of its events are called ("deaths", "civilian deaths").
    pub deaths_label: String,
    /// Ids of the actor groups of which one must match; empty means any actor.
    pub actor_groups: Vec<String>,
    pub actor_roles: ActorRoles,
    /// Accepted event types as written in the file; `None` means any type.
    pub event_types: Option<Vec<String>>,
    /// Bit i set: actor group i satisfies the actor condition (0: no condition).
    group_mask: u64,
    event_type_words: Option<Vec<Words>>,
}

impl Category {
    /// Whether an event of this type passes the event-type condition.
    pub fn accepts_event_type(&self, event_type: &str) -> bool {
        self.accepts_event_type_words(&Words::new(event_type))
    }

    fn accepts_event_type_words(&self, event_type: &Words) -> bool {
        match &self.event_type_words {
            None => true,
            Some(types) => types.iter().any(|t| t == event_type),
        }
    }
}

impl Category {
    /// The definition in words, for the notes printed with tables and maps, e.g.
    /// "a primary actor in Militant Islamist groups; event type Battles,
    /// Explosions/Remote violence or Violence against civilians".
    pub fn describe(&self, all: &Categories) -> String {
        let roles = match self.actor_roles {
            ActorRoles::Primary => "a primary actor (actor1/actor2)",
            ActorRoles::Any => "an actor",
        };
        let actors = if self.actor_groups.is_empty() {
            "any actors".to_string()
        } else {
            let labels: Vec<&str> = self
                .actor_groups
                .iter()
                .map(|id| {
                    all.groups
                        .iter()
                        .find(|g| &g.id == id)
                        .map_or(id.as_str(), |g| g.label.as_str())
                })
                .collect();
            format!("{roles} in {}", join_or(&labels))
        };
        let types = match &self.event_types {
            None => "any event type".to_string(),
            Some(t) => {
                let t: Vec<&str> = t.iter().map(String::as_str).collect();
                format!("event type {}", join_or(&t))
            }
        };
        format!("{actors}; {types}")
    }
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A parsed and validated categories file.
#[derive(Debug, Clone)]
pub struct Categories {
    origin: PathBuf,
    groups: Vec<ActorGroup>,
    categories: Vec<Category>,
}

impl Categories {
    /// The shipped `config/categories.toml`, embedded in the binary.
    pub fn mali_default() -> Categories {
        Categories::from_toml_str(MALI_DEFAULT_TOML, Path::new("config/categories.toml"))
            .expect("the shipped config/categories.toml is valid")
    }

    pub fn load(path: &Path) -> Result<Categories> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Categories::from_toml_str(&text, path)
    }

    /// Parses and validates `text`; `origin` names the file in error messages.
    pub fn from_toml_str(text: &str, origin: &Path) -> Result<Categories> {
        let file: FileToml =
            toml::from_str(text).map_err(|e| Error::config(origin, e.to_string()))?;
        file.resolve(origin)
    }

    /// The file the categories were read from.
    pub fn origin(&self) -> &Path {
        &self.origin
    }

    /// The categories, in file order (the first is the default).
    pub fn list(&self) -> &[Category] {
        &self.categories
    }

    pub fn len(&self) -> usize {
        self.categories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.categories.is_empty()
    }

    /// Index of the category with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.id == id)
    }

    pub fn get(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn actor_groups(&self) -> &[ActorGroup] {
        &self.groups
    }

    /// Ids of the actor groups an actor name belongs to, to explain a match.
    pub fn actor_groups_of(&self, actor: &str) -> Vec<&str> {
        let mask = self.group_mask_of(actor);
        self.groups
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, g)| g.id.as_str())
            .collect()
    }

    /// Bit i set: the actor belongs to actor group i.
    fn group_mask_of(&self, actor: &str) -> u64 {
        let words = Words::new(actor);
        if words.is_empty() {
            return 0;
        }
        self.groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.matches_words(&words))
            .fold(0, |m, (i, _)| m | 1 << i)
    }

    /// The categories whose event-type condition accepts `event_type`.
    fn type_set_of(&self, event_type: &str) -> CategorySet {
        let words = Words::new(event_type);
        self.categories
            .iter()
            .enumerate()
            .filter(|(_, c)| c.accepts_event_type_words(&words))
            .fold(CategorySet::EMPTY, |s, (i, _)| s.with(i))
    }
}

// ---------------------------------------------------------------------------------------
// The file as written, and its resolution into `Categories`.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    #[serde(default)]
    actor_groups: BTreeMap<String, GroupToml>,
    #[serde(default)]
    event_types: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    category: Vec<CategoryToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupToml {
    label: Option<String>,
    #[serde(default)]
    contains: Vec<String>,
    #[serde(default)]
    exact: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryToml {
    id: String,
    label: Option<String>,
    actors: Option<OneOrMany>,
    #[serde(default)]
    actor_roles: ActorRoles,
    event_types: Option<OneOrMany>,
    deaths_label: Option<String>,
}

/// `"name"` (a named group or set) or `["...", ...]`.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl FileToml {
    fn resolve(self, origin: &Path) -> Result<Categories> {
        let err = |message: String| Error::config(origin, message);
        if self.actor_groups.len() > MAX_ACTOR_GROUPS {
            return Err(err(format!("more than {MAX_ACTOR_GROUPS} actor groups")));
        }
        if self.category.is_empty() {
            return Err(err("no [[category]] defined".into()));
        }
        if self.category.len() > MAX_CATEGORIES {
            return Err(err(format!("more than {MAX_CATEGORIES} categories")));
        }
        let groups = self
            .actor_groups
            .into_iter()
            .map(|(id, g)| resolve_group(id, g).map_err(&err))
            .collect::<Result<Vec<_>>>()?;
        let mut categories: Vec<Category> = Vec::with_capacity(self.category.len());
        for c in self.category {
            if c.id.trim().is_empty() {
                return Err(err("a [[category]] has an empty id".into()));
            }
            if categories.iter().any(|d| d.id == c.id) {
                return Err(err(format!("category '{}' is defined twice", c.id)));
            }
            let resolved = resolve_category(c, &groups, &self.event_types).map_err(&err)?;
            categories.push(resolved);
        }
        Ok(Categories {
            origin: origin.to_path_buf(),
            groups,
            categories,
        })
    }
}

fn resolve_group(id: String, g: GroupToml) -> std::result::Result<ActorGroup, String> {
    let words = |list: Vec<String>, key: &str| {
        list.iter()
            .map(|p| {
                let w = Words::new(p);
                if w.is_empty() {
                    Err(format!(
                        "actor group '{id}': {key} pattern {p:?} has no letters or digits"
                    ))
                } else {
                    Ok(w)
                }
            })
            .collect::<std::result::Result<Vec<_>, String>>()
    };
    let contains = words(g.contains, "contains")?;
    let exact = words(g.exact, "exact")?;
    let exclude = words(g.exclude, "exclude")?;
    if contains.is_empty() && exact.is_empty() {
        return Err(format!(
            "actor group '{id}' has no 'contains' or 'exact' patterns"
        ));
    }
    Ok(ActorGroup {
        label: g.label.unwrap_or_else(|| id.clone()),
        id,
        contains,
        exact,
        exclude,
    })
}

fn resolve_category(
    c: CategoryToml,
    groups: &[ActorGroup],
    sets: &BTreeMap<String, Vec<String>>,
) -> std::result::Result<Category, String> {
    let id = &c.id;
    let actor_groups = match c.actors {
        None => Vec::new(),
        Some(OneOrMany::One(name)) => vec![name],
        Some(OneOrMany::Many(names)) if names.is_empty() => {
            return Err(format!("category '{id}': 'actors' is an empty list"));
        }
        Some(OneOrMany::Many(names)) => names,
    };
    let mut group_mask = 0u64;
    for name in &actor_groups {
        let Some(i) = groups.iter().position(|g| &g.id == name) else {
            let known: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
            return Err(format!(
                "category '{id}': unknown actor group '{name}' (defined: {})",
                list_or_none(&known)
            ));
        };
        group_mask |= 1 << i;
    }
    let event_types = match c.event_types {
        None => None,
        Some(OneOrMany::One(set)) => match sets.get(&set) {
            Some(types) => Some(types.clone()),
            None => {
                let known: Vec<&str> = sets.keys().map(String::as_str).collect();
                return Err(format!(
                    "category '{id}': unknown event type set '{set}' (defined: {}; \
                     write a list such as [\"{set}\"] for literal event types)",
                    list_or_none(&known)
                ));
            }
        },
        Some(OneOrMany::Many(types)) => Some(types),
    };
    let event_type_words = event_types
        .as_ref()
        .map(|types| types.iter().map(|t| Words::new(t)).collect());
    Ok(Category {
        label: c.label.unwrap_or_else(|| c.id.clone()),
        deaths_label: c.deaths_label.unwrap_or_else(|| "deaths".into()),
        id: c.id,
        actor_groups,
        actor_roles: c.actor_roles,
        event_types,
        group_mask,
        event_type_words,
    })
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests;
