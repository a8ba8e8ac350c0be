Subject: {{ticket.token}} {{ticket.subject}}

{{article.text}}
{{#if article.quote}}

{{article.quote}}
{{/if}}
{{#if signature}}

-- 
{{signature}}
{{/if}}
