"""Project pages, split by topic: projects (list, export, detail, forms), stages, funds,
plans (五个一), evidence downloads. Views are thin: selectors read, services write."""
