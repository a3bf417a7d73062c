"""YAML from untrusted files (front matter, authored trees): plain data only.

Article files and the trees beside them are written by anyone who can put a file in
the knowledge-base folder, so they are read without tags, without aliases and with
bounded depth, and every refusal is a one-line reason.
"""

from __future__ import annotations

import yaml


class _PlainYamlLoader(yaml.SafeLoader):
    """safe_load without aliases: `*name` expands to a copy of what `&name` marked,
    so a few hundred bytes of nested aliases ("billion laughs") become gigabytes.
    Nothing an author writes needs them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed", event.start_mark)
        return super().compose_node(parent, index)


class UntrustedYamlError(ValueError):
    """YAML refused before or while reading it; the message is the reason."""


def load_untrusted_yaml(text: str):
    """Plain YAML data from an untrusted file: no tags, no aliases, bounded depth.
    Raises yaml.YAMLError for broken YAML and UntrustedYamlError for refused YAML."""
    try:
        return yaml.load(text, Loader=_PlainYamlLoader)
    except yaml.composer.ComposerError as error:
        if "aliases" in str(error.problem):
            raise UntrustedYamlError("YAML aliases (*name) are not allowed") from None
        raise
    except RecursionError:
        raise UntrustedYamlError("YAML nested too deeply") from None
