# METADATA
# title: Prompt guard
# description: |
#   Size and shape limits on inference prompts, from the counts the sidecar puts in
#   input.ai.prompt: message count (max_messages) and characters of all text the model reads,
#   tool results included (max_chars). Patterns in data.regent.prompt_guard.patterns are matched by
#   the sidecar; ids listed in deny refuse the request, any other match only flags it (a request
#   header and dynamic_metadata for the upstream and the logs). A pattern that does not compile
#   fails closed. This is a tripwire for known strings, not a defence against prompt injection.
package regent.prompts

import data.regent.request

guard := data.regent.prompt_guard

active if request.route.inference == true

prompt := input.ai.prompt if active

denied_matches := {m | some m in prompt.matches; m in guard.deny}

flags := {m | some m in prompt.matches; not m in guard.deny}

default headers := {}

headers := {"x-regent-prompt-flags": concat(",", sort(flags))} if count(flags) > 0

default metadata := {}

metadata := {"prompt_flags": sort(flags)} if count(flags) > 0

deny contains {"status": 503, "reason": "prompt_guard_misconfigured"} if count(prompt.pattern_errors) > 0

deny contains {"status": 413, "reason": "prompt_too_many_messages"} if prompt.messages > guard.max_messages

deny contains {"status": 413, "reason": "prompt_too_long"} if prompt.chars > guard.max_chars

deny contains {"status": 400, "reason": "prompt_pattern_denied"} if count(denied_matches) > 0
