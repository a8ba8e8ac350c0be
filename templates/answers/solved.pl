Szanowni Państwo,

uważamy, że problem „{{ticket.subject}}” został rozwiązany, i zamykamy
zgłoszenie {{ticket.token}}. Jeśli coś nadal nie działa, wystarczy
odpowiedzieć na tę wiadomość, a wrócimy do sprawy.
