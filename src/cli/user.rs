//! `user add`: creates accounts from the command line (the first admin comes
//! from here). The password is read from standard input, never from an argument.

use std::io::BufRead;

use chrono::Utc;

use crate::cli::UserCommand;
use crate::db::history::Actor;
use crate::db::users::{self, Role, UserInput};
use crate::db::{reference, DbConnection};
use crate::domain::Email;
use crate::services::accounts::{self, AccountError};

/// Exit codes as the rest of the command line: 0 done, 2 invalid input.
pub fn run(conn: &mut DbConnection, command: UserCommand) -> anyhow::Result<i32> {
    let UserCommand::Add {
        email,
        role,
        dmcg,
        site,
        name,
    } = command;
    let Some(role) = Role::parse(&role) else {
        eprintln!("error: --role must be admin, dmcg_editor or clinician (got {role:?})");
        return Ok(2);
    };
    if let Err(message) = Email::parse(&email) {
        eprintln!("error: --email: {message}");
        return Ok(2);
    }
    let known_dmcgs: Vec<String> = reference::list_dmcgs(conn)?
        .into_iter()
        .map(|d| d.acronym)
        .collect();
    let known_sites: Vec<String> = reference::list_sites(conn)?
        .into_iter()
        .map(|s| s.code)
        .collect();
    if let Some(bad) = dmcg.iter().find(|d| !known_dmcgs.contains(d)) {
        eprintln!("error: --dmcg: {bad:?} is not a DMCG acronym");
        return Ok(2);
    }
    if let Some(bad) = site.iter().find(|s| !known_sites.contains(s)) {
        eprintln!("error: --site: {bad:?} is not a department code");
        return Ok(2);
    }
    if role == Role::DmcgEditor && dmcg.is_empty() {
        eprintln!("error: a dmcg_editor needs at least one --dmcg");
        return Ok(2);
    }
    if role == Role::Clinician && site.is_empty() {
        eprintln!("error: a clinician needs at least one --site");
        return Ok(2);
    }
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']);
    if let Err(message) = users::check_password_rules(password) {
        eprintln!("error: password (standard input): {message}");
        return Ok(2);
    }
    let input = UserInput {
        display_name: name.unwrap_or_else(|| email.clone()),
        email,
        role,
        dmcgs: dmcg,
        sites: site,
    };
    let actor = Actor::system("command line");
    let id = match accounts::create_user(conn, &input, password, &actor, Utc::now().naive_utc()) {
        Ok(id) => id,
        Err(AccountError::EmailTaken) => {
            eprintln!("error: --email: a user with {} exists already", input.email);
            return Ok(2);
        }
        Err(AccountError::Database(e)) => return Err(e),
    };
    println!(
        "created user {} ({}) with id {id}",
        input.email,
        role.as_str()
    );
    Ok(0)
}
