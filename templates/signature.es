{{#if agent.name}}
{{agent.name}}
{{/if}}
{{queue.address}}
