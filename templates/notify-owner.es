Subject: Responsable: {{ticket.token}} {{ticket.subject}}

Ahora es usted el responsable de esta incidencia (asignada por {{by}}).
Incidencia n.º {{ticket.id}}: {{ticket.subject}}
{{#if recipient.agent}}
Estado {{ticket.status}}, prioridad {{ticket.priority}}, cola {{ticket.queue}}, responsable {{ticket.owner}}
Solicitante {{ticket.requester}}
{{/if}}
{{#unless recipient.agent}}
Estado {{ticket.status}}, prioridad {{ticket.priority}}, cola {{ticket.queue}}
{{/unless}}

-- 
{{#if recipient.agent}}
Responda a este mensaje para contestar al solicitante de la incidencia n.º {{ticket.id}};
escriba a {{comment.address}} para añadir una nota interna.
{{/if}}
{{#unless recipient.agent}}
Responda a este mensaje para añadir información a la incidencia n.º {{ticket.id}}.
{{/unless}}
