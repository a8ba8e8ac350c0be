Subject: {{ticket.token}} {{ticket.subject}}

{{article.text}}
{{#if signature}}

-- 
{{signature}}
{{/if}}
