//! One department's research activity read from the snapshot: the protocols it runs, those
//! planned or paused there, and the national protocols of its DMCGs it does not run with the
//! nearest department that does (the referral view of the region page, for one department).

use dccc_matching::{RecruitmentStatus, SiteStatus};

use super::query::Nearest;
use super::Catalogue;

/// A protocol at the department, with the department's own status for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Here {
    pub entry: usize,
    pub status: SiteStatus,
}

/// A national protocol the department does not run, with where it runs nearest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Referral {
    pub entry: usize,
    pub nearest: Nearest,
}

/// What [`Catalogue::department_activity`] finds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DepartmentActivity {
    /// Open, with this department open (the domain's meaning of open here).
    pub open: Vec<Here>,
    /// Planned or temporarily closed: the protocol itself or this department.
    pub paused: Vec<Here>,
    /// Open in two regions or more, of a DMCG the department takes part in, not run here;
    /// nearest first (straight line from the department).
    pub referral: Vec<Referral>,
}

fn paused(protocol: RecruitmentStatus, here: SiteStatus) -> bool {
    matches!(
        protocol,
        RecruitmentStatus::Planned | RecruitmentStatus::TemporarilyClosed
    ) || matches!(here, SiteStatus::Planned | SiteStatus::TemporarilyClosed)
}

impl Catalogue {
    /// The activity of the department at `site` (an index into `sites`); each list in DMCG
    /// then acronym order, the referrals nearest first.
    pub fn department_activity(&self, site: usize) -> DepartmentActivity {
        let mut activity = DepartmentActivity::default();
        let mut dmcgs_here: Vec<&str> = Vec::new();
        for (index, e) in self.entries.iter().enumerate() {
            let Some(&(_, status)) = e.sites.iter().find(|(i, _)| *i == site) else {
                continue;
            };
            if !dmcgs_here.contains(&e.dmcg.as_str()) {
                dmcgs_here.push(&e.dmcg);
            }
            let here = Here {
                entry: index,
                status,
            };
            if e.is_open() && status == SiteStatus::Open {
                activity.open.push(here);
            } else if paused(e.status, status) {
                activity.paused.push(here);
            }
        }
        let order = |a: &Here, b: &Here| {
            let (x, y) = (&self.entries[a.entry], &self.entries[b.entry]);
            (&x.dmcg, &x.acronym).cmp(&(&y.dmcg, &y.acronym))
        };
        activity.open.sort_by(order);
        activity.paused.sort_by(order);
        let from = &self.sites[site];
        let distances = self.site_distances(from.lat, from.lon);
        activity.referral = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e.is_open()
                    && e.regions_open.len() >= 2
                    && dmcgs_here.contains(&e.dmcg.as_str())
                    && !e.open_sites().any(|i| i == site)
            })
            .filter_map(|(index, e)| {
                let (nearest, distance_km) = self.nearest_open_site(e, &distances)?;
                Some(Referral {
                    entry: index,
                    nearest: Nearest {
                        site: nearest,
                        distance_km,
                    },
                })
            })
            .collect();
        activity.referral.sort_by(|a, b| {
            a.nearest
                .distance_km
                .total_cmp(&b.nearest.distance_km)
                .then_with(|| {
                    self.entries[a.entry]
                        .acronym
                        .cmp(&self.entries[b.entry].acronym)
                })
        });
        activity
    }

    /// How many open protocols each department (by index into `sites`) is open for.
    pub fn open_per_site(&self) -> Vec<usize> {
        let mut counts = vec![0; self.sites.len()];
        for e in self.entries.iter().filter(|e| e.is_open()) {
            for i in e.open_sites() {
                counts[i] += 1;
            }
        }
        counts
    }
}
