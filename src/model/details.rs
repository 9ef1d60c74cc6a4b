//! Source columns kept beside the events, not in them: who attacked whom (ACLED's actor1
//! and actor2 and their associated actors, GED's side_a and side_b), ACLED's inter codes,
//! civilian targeting, source and notes, GED's source columns. Only the GIS layers, the
//! events' vector tiles and the viewer print them, so they are read only when a run
//! asks ([`crate::input::ReadOptions::details`]) and
//! live in [`crate::model::EventSet::details`], one [`EventDetails`] per event in the
//! events' order: an [`crate::model::Event`] stays small for the commands that never
//! look at them.
//!
//! Every value is the source's text as given (interned, trimmed); `None` when the row's
//! layout has no such column (GED has no inter codes, the monadic export no actor2
//! column, a GeoJSON feature may lack the property), so a layer can tell "not in this
//! source" (null) from "empty in this row" ("").

use super::event::Sym;

/// A detail column, named as ACLED (or, for the GED-only ones, UCDP) names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Detail {
    /// ACLED actor1; GED side_a.
    Actor1,
    /// ACLED actor2; GED side_b. In the monadic export: the actor1 of the event's second
    /// row (see [`EventDetails::merge_monadic`]).
    Actor2,
    AssocActor1,
    AssocActor2,
    /// ACLED's actor type codes: text ("State forces") in current exports, integers in
    /// older ones, kept as given.
    Inter1,
    Inter2,
    CivilianTargeting,
    /// ACLED source.
    Source,
    /// UCDP GED source_article.
    SourceArticle,
    /// UCDP GED source_original.
    SourceOriginal,
    /// ACLED notes: what happened, in the source's words (GED has no such column).
    Notes,
}

impl Detail {
    /// Every detail, in the order the layers list them.
    pub const ALL: [Detail; 11] = [
        Detail::Actor1,
        Detail::Actor2,
        Detail::AssocActor1,
        Detail::AssocActor2,
        Detail::Inter1,
        Detail::Inter2,
        Detail::CivilianTargeting,
        Detail::Source,
        Detail::SourceArticle,
        Detail::SourceOriginal,
        Detail::Notes,
    ];

    /// Number of details.
    pub const COUNT: usize = Detail::ALL.len();

    /// The field name in the layers: ACLED's column name (GED's for its own columns).
    pub fn name(self) -> &'static str {
        match self {
            Detail::Actor1 => "actor1",
            Detail::Actor2 => "actor2",
            Detail::AssocActor1 => "assoc_actor_1",
            Detail::AssocActor2 => "assoc_actor_2",
            Detail::Inter1 => "inter1",
            Detail::Inter2 => "inter2",
            Detail::CivilianTargeting => "civilian_targeting",
            Detail::Source => "source",
            Detail::SourceArticle => "source_article",
            Detail::SourceOriginal => "source_original",
            Detail::Notes => "notes",
        }
    }

    /// The column this detail is read from in a UCDP GED file.
    pub fn ged_column(self) -> &'static str {
        match self {
            Detail::Actor1 => "side_a",
            Detail::Actor2 => "side_b",
            other => other.name(),
        }
    }

    /// Free text that almost never repeats (ACLED's notes, GED's source_article): the
    /// readers intern it without remembering it in their cache of known values, which it
    /// would only fill (1M notes were 2.8 s of reading 1M rows).
    pub fn is_free_text(self) -> bool {
        matches!(self, Detail::Notes | Detail::SourceArticle)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One event's details: per [`Detail`], the source's text, or `None` when the row's
/// layout has no such column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventDetails([Option<Sym>; Detail::COUNT]);

impl EventDetails {
    pub fn get(&self, d: Detail) -> Option<Sym> {
        self.0[d.index()]
    }

    pub fn set(&mut self, d: Detail, value: Option<Sym>) {
        self.0[d.index()] = value;
    }

    /// Every value, for moving them to another string table.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Sym> {
        self.0.iter_mut().flatten()
    }

    /// Folds a later row of a monadic export (one row per actor, each in the actor1
    /// column) into the event's details, which come from its first row. The export does
    /// not say which actor had which role, so row order decides: the first row's actor
    /// is actor1, the first later row naming another actor gives actor2 (its actor1,
    /// assoc_actor_1 and inter1 become actor2, assoc_actor_2 and inter2). Further rows
    /// are only in the merged `primary_actors`. An actor2 already read (a file with an
    /// actor2 column forced to the monadic layout) is kept. Every other detail is the
    /// first row's.
    pub fn merge_monadic(&mut self, row: &EventDetails, empty: Sym) {
        let blank = |s: Option<Sym>| s.is_none_or(|s| s == empty);
        let actor = row.get(Detail::Actor1);
        if blank(self.get(Detail::Actor2)) && !blank(actor) && actor != self.get(Detail::Actor1) {
            self.set(Detail::Actor2, actor);
            self.set(Detail::AssocActor2, row.get(Detail::AssocActor1));
            self.set(Detail::Inter2, row.get(Detail::Inter1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Strings;

    #[test]
    fn names_follow_the_sources_columns() {
        let names: Vec<&str> = Detail::ALL.iter().map(|d| d.name()).collect();
        assert_eq!(
            names[..4],
            ["actor1", "actor2", "assoc_actor_1", "assoc_actor_2"]
        );
        assert_eq!(Detail::Actor2.ged_column(), "side_b");
        assert_eq!(Detail::Source.ged_column(), "source");
        for (i, d) in Detail::ALL.iter().enumerate() {
            assert_eq!(d.index(), i);
        }
    }

    #[test]
    fn monadic_rows_fill_actor2_once() {
        let s = Strings::new();
        let row = |actor: &str, assoc: &str, inter: &str| {
            let mut d = EventDetails::default();
            d.set(Detail::Actor1, Some(s.intern(actor)));
            d.set(Detail::AssocActor1, Some(s.intern(assoc)));
            d.set(Detail::Inter1, Some(s.intern(inter)));
            d.set(Detail::Source, Some(s.intern(&format!("src {actor}"))));
            d
        };
        let mut kept = row("JNIM", "", "2");
        // The same actor again (a repeated row) does not become actor2.
        kept.merge_monadic(&row("JNIM", "", "2"), s.empty());
        assert_eq!(kept.get(Detail::Actor2), None);
        kept.merge_monadic(&row("Civilians (Mali)", "Farmers", "7"), s.empty());
        kept.merge_monadic(&row("Wagner Group", "", "8"), s.empty());
        let text = |d: Detail| kept.get(d).map(|x| s.get(x).to_string());
        assert_eq!(text(Detail::Actor1).as_deref(), Some("JNIM"));
        assert_eq!(text(Detail::Actor2).as_deref(), Some("Civilians (Mali)"));
        assert_eq!(text(Detail::AssocActor2).as_deref(), Some("Farmers"));
        assert_eq!(text(Detail::Inter2).as_deref(), Some("7"));
        assert_eq!(text(Detail::Source).as_deref(), Some("src JNIM"));
    }
}
