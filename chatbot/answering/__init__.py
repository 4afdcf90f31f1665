"""Answer building: what kind of question was asked, which units of the notes answer
it, and how the answer is written with its citations. Each step is its own module
with a small interface: `kinds.question_kind`, `select.UnitSelector`,
`render.render_answer`."""
