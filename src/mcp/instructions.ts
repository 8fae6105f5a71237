/** @module The server `instructions`: how an agent should use cairn across tools (Claude Code keeps the first 2 KB). */

export const INSTRUCTIONS = `cairn is your long-term memory for this user and project. It lives on this machine and persists across sessions.

Protocol:
1. Before acting on a task, call recall with the task's key words (and resume if it continues earlier work). Follow the preferences, decisions and lessons you get back. If recall abstains, nothing is stored on that topic: do not guess from memory. Results are the nearest memories, not always relevant ones: use only those that fit.
2. After you learn something worth keeping, call remember with one self-contained idea:
   - decision: a choice made and why
   - lesson: something learned the hard way
   - error: an error message or symptom and the fix that worked
   - preference: how the user likes things done (shared by all projects; a rule for this repo stays in it)
   - fact: a stable fact about the project
   Never store secrets, tokens or whole files.
3. When a memory turns out wrong, update it; when it is obsolete, forget it or remember the new one and relate it with supersedes.
4. Before the session ends or the context fills up mid-task, call checkpoint (task, progress, next_steps); a later session calls resume.
5. When the user asks to be reminded of something later, call remind with content and at or in. Due reminders come with resume and at session start: tell the user, then call remind with action "done" and the id.

Scope: tools work in the current project plus global memories; pass project to choose another ("global" or, when reading, "all"). Ids may be shortened to a unique prefix.`;
