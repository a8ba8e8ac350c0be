Subject: {{ticket.token}} {{ticket.subject}}

{{#if article.internal}}
Nota interna de {{author}}
{{/if}}
{{#unless article.internal}}
Nuevo mensaje en esta incidencia de {{author}}
{{/unless}}
Incidencia n.º {{ticket.id}}: {{ticket.subject}}
{{#if recipient.agent}}
Estado {{ticket.status}}, prioridad {{ticket.priority}}, cola {{ticket.queue}}, responsable {{ticket.owner}}
Solicitante {{ticket.requester}}
{{/if}}
{{#unless recipient.agent}}
Estado {{ticket.status}}, prioridad {{ticket.priority}}, cola {{ticket.queue}}
{{/unless}}
{{#if article.text}}

{{article.text}}
{{/if}}

-- 
{{#if recipient.agent}}
Responda a este mensaje para contestar al solicitante de la incidencia n.º {{ticket.id}};
escriba a {{comment.address}} para añadir una nota interna.
{{/if}}
{{#unless recipient.agent}}
Responda a este mensaje para añadir información a la incidencia n.º {{ticket.id}}.
{{/unless}}
